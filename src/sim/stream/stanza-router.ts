import type { BinaryNode } from '@whiskeysockets/baileys';
import type { ClientStream } from './client-stream.ts';

/** Everything a stanza handler gets: the stanza, the stream it came on, and the simulator services. */
export interface StanzaContext<Services> {
  readonly node: BinaryNode;
  readonly stream: ClientStream;
  readonly sim: Services;
}

/**
 * Handles one stanza. Returning a node sends it as the answer; returning nothing means the handler
 * answered itself (or nothing is due). Throwing answers an iq with `500 internal-server-error`.
 */
export type StanzaHandler<Services> = (ctx: StanzaContext<Services>) => BinaryNode | void | Promise<BinaryNode | void>;

/** Which iqs a handler takes: `xmlns`, optionally `type` (get/set) and the first child's tag. */
export interface IqRoute {
  readonly xmlns: string;
  readonly type?: string;
  readonly child?: string;
}

interface RegisteredIq<Services> {
  readonly route: IqRoute;
  readonly handler: StanzaHandler<Services>;
}

const firstChildTag = (node: BinaryNode): string | undefined =>
  Array.isArray(node.content) ? node.content[0]?.tag : undefined;

const specificity = (route: IqRoute): number => (route.type ? 1 : 0) + (route.child ? 2 : 0);

/** Registry of stanza handlers: iqs by (xmlns, type, first child), other stanzas by tag. */
export class StanzaRouter<Services> {
  readonly #iqs: RegisteredIq<Services>[] = [];
  readonly #tags = new Map<string, StanzaHandler<Services>>();

  /** Registers an iq handler; the most specific matching route wins, later ones win ties. */
  iq(route: IqRoute, handler: StanzaHandler<Services>): this {
    this.#iqs.push({ route, handler });
    return this;
  }

  /** Registers the handler of a non-iq stanza tag (`message`, `receipt`, `ack`, …); replaces any earlier one. */
  stanza(tag: string, handler: StanzaHandler<Services>): this {
    this.#tags.set(tag, handler);
    return this;
  }

  /** The handler for an incoming client iq (type get/set), or undefined. */
  findIq(node: BinaryNode): StanzaHandler<Services> | undefined {
    const child = firstChildTag(node);
    let best: RegisteredIq<Services> | undefined;
    for (const entry of this.#iqs) {
      const { route } = entry;
      if (route.xmlns !== node.attrs.xmlns) continue;
      if (route.type !== undefined && route.type !== node.attrs.type) continue;
      if (route.child !== undefined && route.child !== child) continue;
      if (!best || specificity(route) >= specificity(best.route)) best = entry;
    }
    return best?.handler;
  }

  /** The handler for a non-iq stanza tag, or undefined. */
  findStanza(tag: string): StanzaHandler<Services> | undefined {
    return this.#tags.get(tag);
  }
}

/** `<iq type=result id>` answering `iq`, with optional content. */
export function iqResult(iq: BinaryNode, content?: BinaryNode[]): BinaryNode {
  return {
    tag: 'iq',
    attrs: { from: 's.whatsapp.net', type: 'result', id: iq.attrs.id ?? '' },
    ...(content ? { content } : {}),
  };
}

/** `<iq type=error id><error code text/></iq>` answering `iq`. */
export function iqError(iq: BinaryNode, code: number, text: string): BinaryNode {
  return {
    tag: 'iq',
    attrs: { from: 's.whatsapp.net', type: 'error', id: iq.attrs.id ?? '' },
    content: [{ tag: 'error', attrs: { code: String(code), text } }],
  };
}
