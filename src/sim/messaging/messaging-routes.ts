import type { ControlRouter } from '../control/control-router.ts';
import { MEDIA_KINDS } from '../media/media-crypto.ts';
import { SimError } from '../sim-error.ts';
import type { ReceiptKind } from '../signal/message-stanzas.ts';
import type { PhoneMedia } from './phone-media.ts';
import type { PhoneMessaging } from './phone-messaging.ts';
import type { ReceivedText } from './text-log.ts';

const RECEIPT_KINDS: readonly ReceiptKind[] = ['delivered', 'read', 'played'];
const MAX_TEXT = 65_536;
/** `smax-invalid`: the server rejected the stanza (fact sheet §11.2); Baileys only logs it. */
const DEFAULT_REFUSAL = 479;

function field(body: Readonly<Record<string, unknown>>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || !value) throw new SimError('bad-input', `${name} must be a non-empty string`);
  return value;
}

const optionalString = (spec: Readonly<Record<string, unknown>>, name: string): Record<string, string> => {
  const value = spec[name];
  if (value === undefined) return {};
  if (typeof value !== 'string') throw new SimError('bad-input', `${name} must be a string`);
  return { [name]: value };
};

/** `{"image": {"base64", "mimetype"?, "caption"?}}` (and video, audio with `ptt`, document with `fileName`). */
function mediaFrom(body: Readonly<Record<string, unknown>>): PhoneMedia | undefined {
  const kind = MEDIA_KINDS.find((k) => body[k] !== undefined);
  if (!kind) return undefined;
  const spec = body[kind];
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec))
    throw new SimError('bad-input', `${kind} must be an object`);
  const fields = spec as Record<string, unknown>;
  const bytes = Buffer.from(field(fields, 'base64'), 'base64');
  if (bytes.length === 0) throw new SimError('bad-input', `${kind}.base64 decodes to no bytes`);
  return {
    kind,
    bytes,
    ...optionalString(fields, 'mimetype'),
    ...optionalString(fields, 'caption'),
    ...optionalString(fields, 'fileName'),
    ...(fields.ptt === true ? { ptt: true } : {}),
  };
}

/** The wire view of a received message: its content, never the protobuf or key material. */
const presentReceived = ({ message: _message, ...rest }: ReceivedText) => rest;

/**
 * `POST|GET /phones/:phoneNumber/messages`, the received media bytes, `POST /phones/:phoneNumber/receipts`, and
 * `PUT|DELETE /phones/:phoneNumber/refusal` (the server refuses messages to the phone).
 */
export function registerMessagingRoutes(router: ControlRouter, phone: (phoneNumber: string) => PhoneMessaging): void {
  router
    .route('POST', '/phones/:phoneNumber/messages', async ({ params, body }) => {
      const sender = phone(params.phoneNumber ?? '');
      const to = field(body, 'to');
      const media = mediaFrom(body);
      if (media) return { status: 201, body: { success: true, message: await sender.sendMedia(to, media) } };
      const text = field(body, 'text');
      if (text.length > MAX_TEXT) throw new SimError('bad-input', `text must be at most ${MAX_TEXT} characters`);
      return { status: 201, body: { success: true, message: await sender.sendText(to, text) } };
    })
    .route('GET', '/phones/:phoneNumber/messages', ({ params }) => {
      const owner = phone(params.phoneNumber ?? '');
      return { body: { success: true, messages: owner.received().map(presentReceived), sent: owner.sent() } };
    })
    .route('GET', '/phones/:phoneNumber/messages/:messageId/media', ({ params }) => {
      const { bytes, mimetype } = phone(params.phoneNumber ?? '').downloadMedia(params.messageId ?? '');
      return {
        body: {
          success: true,
          media: { mimetype: mimetype ?? null, length: bytes.length, base64: bytes.toString('base64') },
        },
      };
    })
    .route('POST', '/phones/:phoneNumber/receipts', ({ params, body }) => {
      const owner = phone(params.phoneNumber ?? '');
      const type = body.type ?? 'read';
      if (typeof type !== 'string' || !(RECEIPT_KINDS as readonly string[]).includes(type)) {
        throw new SimError('bad-input', `type must be one of ${RECEIPT_KINDS.join(', ')}`);
      }
      owner.sendReceipt(field(body, 'messageId'), type as ReceiptKind);
      return { body: { success: true } };
    })
    .route('PUT', '/phones/:phoneNumber/refusal', ({ params, body }) => {
      const error = body.error ?? DEFAULT_REFUSAL;
      const delayMs = body.delayMs ?? 0;
      if (typeof error !== 'number' || typeof delayMs !== 'number')
        throw new SimError('bad-input', 'error and delayMs must be numbers');
      phone(params.phoneNumber ?? '').refuseIncoming(error, delayMs);
      return { body: { success: true, refusal: { error, delayMs } } };
    })
    .route('DELETE', '/phones/:phoneNumber/refusal', ({ params }) => {
      phone(params.phoneNumber ?? '').refuseIncoming(null);
      return { body: { success: true, refusal: null } };
    });
}
