import { AppError } from '../errors/app-error.ts';
import { recipientJid } from '../engine/jid.ts';
import { normalisePhone } from '../shared/phone-number.ts';
import type { ContactLookup, DownloadedMedia, SentMessage } from '../engine/messaging-types.ts';
import type { SessionManager } from '../sessions/session-manager.ts';
import { MediaFetcher, type MediaFetchOptions } from './media-fetch.ts';
import { prepareOutgoingMessage, type SendMessageBody } from './message-request.ts';

export interface MessagingServiceOptions {
  manager: SessionManager;
  mediaMaxBytes: number;
  /** Media URL downloads: address policy (private targets refused unless allowed), timeout, concurrency. */
  mediaFetch: Omit<MediaFetchOptions, 'maxBytes'>;
}

/** Messaging use cases; each needs an AUTHENTICATED session (409 with its live status otherwise). */
export class MessagingService {
  readonly #o: MessagingServiceOptions;
  readonly #fetcher: MediaFetcher;

  constructor(options: MessagingServiceOptions) {
    this.#o = options;
    this.#fetcher = new MediaFetcher({ ...options.mediaFetch, maxBytes: options.mediaMaxBytes });
  }

  async send(sessionId: string, body: SendMessageBody): Promise<SentMessage & { status: 'sent' }> {
    await this.#o.manager.get(sessionId);
    const prepared = prepareOutgoingMessage(body, { maxBytes: this.#o.mediaMaxBytes, fetcher: this.#fetcher });
    // Linked first: an unlinked session answers its 409 before any media URL is fetched.
    const connection = await this.#o.manager.connectionFor(sessionId);
    return { ...(await connection.sendMessage(await prepared.load())), status: 'sent' };
  }

  async markRead(sessionId: string, messageId: string): Promise<void> {
    await (await this.#o.manager.connectionFor(sessionId)).markRead(messageId);
  }

  async presence(sessionId: string, to: string, state: 'composing' | 'paused'): Promise<void> {
    const jid = recipientJid(to);
    if (!jid) throw new AppError('INVALID_RECIPIENT');
    await (await this.#o.manager.connectionFor(sessionId)).sendPresence(jid, state);
  }

  async contact(sessionId: string, phone: string): Promise<ContactLookup> {
    const phoneNumber = normalisePhone(phone);
    if (!phoneNumber) throw new AppError('INVALID_PHONE_NUMBER', 'use the country code and number, digits only');
    return (await this.#o.manager.connectionFor(sessionId)).lookupContact(phoneNumber);
  }

  async media(sessionId: string, messageId: string): Promise<DownloadedMedia> {
    return (await this.#o.manager.connectionFor(sessionId)).downloadMedia(messageId);
  }
}
