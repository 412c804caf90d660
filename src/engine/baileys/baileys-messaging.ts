import {
  downloadMediaMessage,
  generateMessageIDV2,
  type WAMessage,
  type WAMessageKey,
  type WASocket,
} from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import { AppError } from '../../errors/app-error.ts';
import { phoneOf, userJid } from '../jid.ts';
import type { EngineEvent } from '../engine.ts';
import type { MessageStore } from '../message-store.ts';
import type {
  ContactLookup,
  DownloadedMedia,
  MessageStatusChange,
  OutgoingMessage,
  Party,
  SentMessage,
} from '../messaging-types.ts';
import type { UploadFailure } from './baileys-log-tap.ts';
import { explainEngineError } from './engine-errors.ts';
import { isUserMessage, toIncomingMessage } from './incoming-message.ts';
import { toMessageStatus } from './message-status.ts';
import { toBaileysContent } from './outgoing-content.ts';
import { decodeStoredMessage, encodeStoredMessage } from './stored-message.ts';

const rethrowAs =
  (action: string) =>
  (err: unknown): never => {
    throw explainEngineError(err, action);
  };

/** How many ids of our own API sends to remember, to tell their echo apart from phone-sent messages. */
const OWN_SEND_MEMORY = 1000;

export interface BaileysMessagingOptions {
  sessionId: string;
  sock: WASocket;
  store: MessageStore;
  logger: Logger;
  emit: (event: EngineEvent) => void;
  /** Media upload failures Baileys reported (and only logged) since a time; they explain a failed send. */
  uploadFailuresSince: (since: number) => UploadFailure[];
}

/** Sending, receiving and receipts for one Baileys socket; every message it touches is stored. */
export class BaileysMessaging {
  readonly #o: BaileysMessagingOptions;
  readonly #ownSends = new Set<string>();
  /**
   * Sends in progress, with the status changes WhatsApp reported before the send was stored: a server
   * nack or a fast receipt can beat it. They are emitted after `sent`, so a status never goes back.
   */
  readonly #sending = new Map<string, MessageStatusChange[]>();

  constructor(options: BaileysMessagingOptions) {
    this.#o = options;
    options.sock.ev.on('messages.upsert', ({ messages }) => {
      for (const message of messages) {
        // The echo of our own send. Baileys folds a status that came while its events were buffered
        // (a server nack, a fast receipt) into this echo instead of a messages.update.
        if (message.key.id && this.#ownSends.has(message.key.id)) this.#onStatus(message.key, message);
        else void this.#onIncoming(message);
      }
    });
    options.sock.ev.on('messages.update', (updates) => {
      for (const { key, update } of updates) this.#onStatus(key, update);
    });
  }

  async send(request: OutgoingMessage): Promise<SentMessage> {
    const { sock } = this.#o;
    const quoted = request.quotedMessageId ? await this.#load(request.quotedMessageId) : undefined;
    const reactionKey =
      request.content.kind === 'reaction' ? (await this.#load(request.content.messageId)).key : undefined;
    // Our own id, known before the stanza leaves: its echo and its early statuses are recognised.
    const messageId = generateMessageIDV2(sock.user?.id);
    this.#remember(messageId);
    this.#sending.set(messageId, []);
    const startedAt = Date.now();
    try {
      const content = toBaileysContent(request.content, reactionKey);
      const options = { ...(quoted ? { quoted } : {}), messageId };
      const sent = await sock.sendMessage(request.to, content, options).catch((err: unknown) => {
        throw explainEngineError(err, 'send', this.#o.uploadFailuresSince(startedAt));
      });
      if (sent?.key.id !== messageId) throw new AppError('ENGINE_FAILURE', 'WhatsApp did not accept the message');
      await this.#save(sent);
      this.#emitStatus({ messageId, chatId: request.to, status: 'sent' });
      return { id: messageId, to: request.to, timestamp: Date.now() };
    } finally {
      const early = this.#sending.get(messageId) ?? [];
      this.#sending.delete(messageId);
      for (const change of early) this.#emitStatus(change);
    }
  }

  async markRead(messageId: string): Promise<void> {
    const message = await this.#load(messageId);
    await this.#o.sock.readMessages([message.key]).catch(rethrowAs('read receipt'));
  }

  async sendPresence(to: string, state: 'composing' | 'paused'): Promise<void> {
    await this.#o.sock.sendPresenceUpdate(state, to).catch(rethrowAs('presence'));
  }

  async lookupContact(phoneNumber: string): Promise<ContactLookup> {
    const { sock } = this.#o;
    const [result] = (await sock.onWhatsApp(phoneNumber).catch(rethrowAs('contact lookup'))) ?? [];
    if (!result?.exists) return { phoneNumber, exists: false, jid: null, lid: null };
    const jid = userJid(result.jid) ?? result.jid;
    const lid = await sock.signalRepository.lidMapping.getLIDForPN(jid).catch(() => null);
    return { phoneNumber, exists: true, jid, lid: userJid(lid) };
  }

  async downloadMedia(messageId: string): Promise<DownloadedMedia> {
    const message = await this.#load(messageId);
    const content = message.message;
    const media =
      content?.imageMessage ??
      content?.videoMessage ??
      content?.audioMessage ??
      content?.documentMessage ??
      content?.stickerMessage;
    if (!media) throw new AppError('MESSAGE_HAS_NO_MEDIA');
    const data = await downloadMediaMessage(
      message,
      'buffer',
      {},
      {
        logger: this.#o.logger,
        reuploadRequest: this.#o.sock.updateMediaMessage,
      },
    ).catch((err: unknown) => {
      const explained = explainEngineError(err, 'media download');
      if (explained.code !== 'ENGINE_FAILURE') throw explained;
      throw new AppError('ENGINE_FAILURE', 'media download failed', { cause: err });
    });
    return {
      data,
      mimetype: media.mimetype ?? 'application/octet-stream',
      fileName: content?.documentMessage?.fileName ?? null,
    };
  }

  /** For Baileys' `getMessage`: WhatsApp asks for a message again when a recipient could not decrypt it. */
  static async find(store: MessageStore, sessionId: string, key: WAMessageKey) {
    if (!key.id) return undefined;
    const stored = await store.find(sessionId, key.id);
    return stored ? (decodeStoredMessage(stored.payload).message ?? undefined) : undefined;
  }

  async #onIncoming(message: WAMessage): Promise<void> {
    const id = message.key.id;
    if (!id || !isUserMessage(message)) return;
    try {
      await this.#save(message);
      const me = this.#o.sock.user;
      const own: Party = { phoneNumber: phoneOf(me?.id), jid: userJid(me?.id), lid: userJid(me?.lid) };
      const resolve = (jid: string) =>
        phoneOf(jid)
          ? this.#o.sock.signalRepository.lidMapping.getLIDForPN(jid)
          : this.#o.sock.signalRepository.lidMapping.getPNForLID(jid);
      this.#o.emit({ type: 'message', message: await toIncomingMessage(message, own, resolve) });
    } catch (err) {
      this.#o.logger.error({ err, messageId: id }, 'failed to process an incoming message');
    }
  }

  async #load(messageId: string): Promise<WAMessage> {
    const stored = await this.#o.store.find(this.#o.sessionId, messageId);
    if (!stored) throw new AppError('MESSAGE_NOT_FOUND', `no stored message ${messageId} in this session`);
    return decodeStoredMessage(stored.payload);
  }

  async #save(message: WAMessage): Promise<void> {
    const type = Object.keys(message.message ?? {})[0] ?? 'unknown';
    await this.#o.store.save(this.#o.sessionId, {
      id: message.key.id ?? '',
      chatJid: message.key.remoteJid ?? '',
      fromMe: Boolean(message.key.fromMe),
      type,
      payload: encodeStoredMessage(message),
    });
  }

  /** A status of one of our messages, from an update or a folded echo; held back while its send is in progress. */
  #onStatus(key: WAMessageKey, update: Pick<WAMessage, 'status' | 'messageStubParameters'>): void {
    const status = key.fromMe ? toMessageStatus(update.status) : null;
    if (!status || !key.id) return;
    const error = status === 'failed' ? update.messageStubParameters?.[0] : undefined;
    const change: MessageStatusChange = {
      messageId: key.id,
      chatId: key.remoteJid ?? '',
      status,
      ...(error ? { error } : {}),
    };
    const early = this.#sending.get(key.id);
    if (early) early.push(change);
    else this.#emitStatus(change);
  }

  #emitStatus(change: MessageStatusChange): void {
    this.#o.emit({ type: 'message-status', ...change });
  }

  #remember(id: string): void {
    this.#ownSends.add(id);
    if (this.#ownSends.size > OWN_SEND_MEMORY) {
      const oldest = this.#ownSends.values().next().value;
      if (oldest !== undefined) this.#ownSends.delete(oldest);
    }
  }
}
