import { randomBytes } from 'node:crypto';
import { type BinaryNode, jidDecode } from '@whiskeysockets/baileys';
import { type LinkCodeAttempt, type LinkCodeLink, startLinkCodeAttempt } from './link-code-attempt.ts';
import { LinkCodeError, normaliseLinkCode } from './link-code-crypto.ts';
import {
  buildCompanionHelloResult,
  parseCompanionFinish,
  parseCompanionHello,
  type CompanionHello,
} from './link-code-nodes.ts';
import type { RawKeyPair } from './x25519.ts';

/** The registration stream a companion_hello arrived on. */
export interface LinkCodeStream {
  send(node: BinaryNode): void;
}

interface Pending<S> {
  readonly stream: S;
  readonly hello: CompanionHello;
  readonly ref: Buffer;
  waiter?: { attempt: LinkCodeAttempt; resolve(link: LinkCodeLink): void; reject(err: Error): void };
}

/** Options of LinkCodeFlow.enterCode. */
export interface EnterCodeOptions {
  readonly phoneNumber: string;
  readonly code: string;
  /** The phone's account key; it is `primary_identity_pub`. */
  readonly primaryIdentity: RawKeyPair;
  readonly notificationId: string;
  readonly timeoutMs?: number;
}

/** Server side of pairing codes: companions that asked for one, and the phone typing it. */
export interface LinkCodeFlow<S extends LinkCodeStream> {
  /** Handles `companion_hello`; returns the iq answer (with the pairing ref). */
  onCompanionHello(stream: S, iq: BinaryNode): BinaryNode;
  /** Handles `companion_finish`; returns the iq answer (an error when the code was wrong). */
  onCompanionFinish(stream: S, iq: BinaryNode): BinaryNode;
  /** The phone enters a code: resolves once the companion finished with the same code; LinkCodeError otherwise. */
  enterCode(options: EnterCodeOptions): Promise<{ stream: S; hello: CompanionHello; link: LinkCodeLink }>;
  /** Forgets requests of a closed stream. */
  streamClosed(stream: S): void;
  /** Whether a companion waits for a code for this phone. */
  hasRequest(phoneNumber: string): boolean;
}

const answer = (iq: BinaryNode, type: 'result' | 'error', content?: BinaryNode[]): BinaryNode => ({
  tag: 'iq',
  attrs: { from: 's.whatsapp.net', type, id: iq.attrs.id ?? '' },
  ...(content ? { content } : {}),
});

/** Creates the pairing-code flow. */
export function createLinkCodeFlow<S extends LinkCodeStream>(): LinkCodeFlow<S> {
  const byPhone = new Map<string, Pending<S>>();
  const phoneOf = (jid: string): string => jidDecode(jid)?.user ?? '';

  return {
    onCompanionHello(stream, iq) {
      const hello = parseCompanionHello(iq);
      const phoneNumber = phoneOf(hello.jid);
      byPhone.get(phoneNumber)?.waiter?.reject(new LinkCodeError('no-request', 'the companion asked for a new code'));
      const ref = Buffer.from(`2@${randomBytes(18).toString('base64')}`);
      byPhone.set(phoneNumber, { stream, hello, ref });
      return buildCompanionHelloResult(iq.attrs.id ?? '', ref);
    },

    onCompanionFinish(stream, iq) {
      const finish = parseCompanionFinish(iq);
      const phoneNumber = phoneOf(finish.jid);
      const pending = byPhone.get(phoneNumber);
      const waiter = pending?.waiter;
      if (!pending || pending.stream !== stream || !waiter) {
        return answer(iq, 'error', [{ tag: 'error', attrs: { code: '404', text: 'item-not-found' } }]);
      }
      // One attempt per requested code, as on a phone: a wrong code ends the request.
      byPhone.delete(phoneNumber);
      try {
        waiter.resolve(waiter.attempt.finish(finish));
        return answer(iq, 'result');
      } catch (err) {
        waiter.reject(err instanceof Error ? err : new Error(String(err)));
        return answer(iq, 'error', [{ tag: 'error', attrs: { code: '401', text: 'not-authorized' } }]);
      }
    },

    async enterCode(options) {
      const phoneNumber = options.phoneNumber.replace(/^\+/, '');
      normaliseLinkCode(options.code);
      const pending = byPhone.get(phoneNumber);
      if (!pending)
        throw new LinkCodeError('no-request', `no companion is waiting for a pairing code for ${phoneNumber}`);
      if (pending.waiter) throw new LinkCodeError('busy', 'a code is already being checked for this phone');
      const attempt = await startLinkCodeAttempt({
        hello: pending.hello,
        code: options.code,
        primaryIdentity: options.primaryIdentity,
        ref: pending.ref,
        notificationId: options.notificationId,
      });
      if (byPhone.get(phoneNumber) !== pending || pending.waiter) {
        throw new LinkCodeError('no-request', 'the pairing request went away while the code was checked');
      }
      const link = await new Promise<LinkCodeLink>((resolve, reject) => {
        const timer = setTimeout(() => {
          if (byPhone.get(phoneNumber) === pending) byPhone.delete(phoneNumber);
          reject(new LinkCodeError('timeout', 'the companion did not finish the pairing-code exchange'));
        }, options.timeoutMs ?? 15_000);
        pending.waiter = {
          attempt,
          resolve: (value) => {
            clearTimeout(timer);
            resolve(value);
          },
          reject: (err) => {
            clearTimeout(timer);
            reject(err);
          },
        };
        pending.stream.send(attempt.primaryHello);
      });
      return { stream: pending.stream, hello: pending.hello, link };
    },

    streamClosed(stream) {
      for (const [phoneNumber, pending] of byPhone) {
        if (pending.stream !== stream) continue;
        byPhone.delete(phoneNumber);
        pending.waiter?.reject(new LinkCodeError('no-request', 'the companion disconnected'));
      }
    },

    hasRequest: (phoneNumber) => byPhone.has(phoneNumber.replace(/^\+/, '')),
  };
}
