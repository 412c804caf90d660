import type { FastifyReply } from 'fastify';

/*
 * The seed's success envelopes, written around data that is already JSON text: a view's JSON, which
 * the route's compiled serialiser wrote from the item schema and the read model keeps with the view
 * (`session-presenter.ts` `viewJson`). Fastify sends a string as it is once the content type is set;
 * these fixed fields are all the envelope adds (`envelope-text.test.ts` compares them byte for byte
 * with Fastify's serialisation of the whole envelope).
 */

const JSON_TYPE = 'application/json; charset=utf-8';

/** `{"success":true,"message":…,"data":<data>}` for a fixed message. */
export function itemEnvelopeText(message: string): (dataJson: string) => string {
  const head = `{"success":true,"message":${JSON.stringify(message)},"data":`;
  return (dataJson) => `${head}${dataJson}}`;
}

/** `{"success":true,"message":…,"data":[<items>],"count":n}` for a fixed message. */
export function listEnvelopeText(message: string): (itemsJson: readonly string[]) => string {
  const head = `{"success":true,"message":${JSON.stringify(message)},"data":[`;
  return (itemsJson) => `${head}${itemsJson.join(',')}],"count":${itemsJson.length}}`;
}

/**
 * Sends JSON text made from `value`: in this tick when the value is at hand (a read served from
 * memory pays no promise chain), else when `later` resolves; its rejection becomes Fastify's error
 * reply. Return the result from a route handler.
 */
export function sendJsonText<V>(
  reply: FastifyReply,
  now: V | undefined,
  later: () => Promise<V>,
  text: (value: V) => string,
): Promise<void> | undefined {
  if (now !== undefined) {
    reply.type(JSON_TYPE).send(text(now));
    return undefined;
  }
  return later().then((value) => {
    reply.type(JSON_TYPE).send(text(value));
  });
}
