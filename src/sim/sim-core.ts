import type { BinaryNode } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { AccountStore } from './accounts/account-store.ts';
import type { LinkedDevice } from './accounts/linked-device.ts';
import { SimEvents } from './sim-events.ts';
import { ClientStream } from './stream/client-stream.ts';
import { handleLogin, type OfflineSource } from './stream/login.ts';
import { buildPairDevice, parseRegistration } from './stream/pending-registration.ts';
import { iqError, StanzaRouter } from './stream/stanza-router.ts';
import type { NoiseResult } from './transport/noise-server.ts';
import type { ServerKeys } from './transport/root-key.ts';
import { WaConnection } from './transport/wa-connection.ts';

/** Options of SimCore. */
export interface SimCoreOptions {
  readonly keys: ServerKeys;
  readonly logger: Logger;
}

/** The simulated server: accepts WebSockets, authenticates streams, routes stanzas, tracks live devices. */
export class SimCore {
  readonly keys: ServerKeys;
  readonly logger: Logger;
  readonly accounts = new AccountStore();
  readonly router = new StanzaRouter<SimCore>();
  readonly events = new SimEvents();
  /** Sources of offline stanzas delivered right after `<success>` (the message queue plugs in here). */
  readonly offlineSources: OfflineSource[] = [];
  readonly #streams = new Map<WaConnection, ClientStream>();
  readonly #live = new Map<string, ClientStream>();
  readonly #pendingByRef = new Map<string, ClientStream>();
  readonly #armedFailures = new Map<string, number>();
  readonly #connections = new Set<WaConnection>();
  #stallNext = 0;
  #idCounter = 0;

  constructor(options: SimCoreOptions) {
    this.keys = options.keys;
    this.logger = options.logger;
  }

  /** Takes over an upgraded WebSocket. */
  accept(ws: WebSocket): void {
    const stallHandshake = this.#stallNext > 0;
    if (stallHandshake) this.#stallNext--;
    const connection = new WaConnection(
      ws,
      { keys: this.keys, stallHandshake },
      {
        onHandshake: (conn, result) => this.#onHandshake(conn, result),
        onNode: (conn, node) => void this.#onNode(conn, node),
        onClose: (conn) => this.#onClose(conn),
        onError: (_conn, err) => this.logger.debug({ err }, 'sim connection error'),
      },
    );
    this.#connections.add(connection);
  }

  /** A fresh stanza id for server-initiated stanzas (never reuses a client id). */
  nextId(): string {
    return `sim-${++this.#idCounter}`;
  }

  /** The live login stream of a device (PN or LID device JID). */
  liveStream(deviceJid: string): ClientStream | undefined {
    const device = this.accounts.findDevice(deviceJid);
    return device ? this.#live.get(device.jid) : undefined;
  }

  /** The registration stream that was handed this QR ref. */
  registrationByRef(ref: string): ClientStream | undefined {
    return this.#pendingByRef.get(ref);
  }

  /** Makes the next `count` connections stall before the ServerHello. */
  stallNextHandshakes(count = 1): void {
    this.#stallNext += count;
  }

  /** The next login of this device gets `<failure reason>`. */
  armLoginFailure(device: LinkedDevice, reason: number): void {
    this.#armedFailures.set(device.jid, reason);
  }

  /** Takes (and clears) an armed login failure. */
  takeLoginFailure(device: LinkedDevice): number | undefined {
    const reason = this.#armedFailures.get(device.jid);
    this.#armedFailures.delete(device.jid);
    return reason;
  }

  /** Marks a stream as the device's live one and returns the stream it replaces, if any. */
  setLive(stream: ClientStream, device: LinkedDevice): ClientStream | undefined {
    const previous = this.#live.get(device.jid);
    this.#live.set(device.jid, stream);
    return previous === stream ? undefined : previous;
  }

  /** Removes a device: unlinked by the phone (stream:error 401) or logged out by itself. */
  removeDevice(device: LinkedDevice, reason: 'unlink' | 'logout'): void {
    if (device.status === 'removed') return;
    device.status = 'removed';
    const stream = this.#live.get(device.jid);
    if (stream && reason === 'unlink') {
      stream.connection.streamError({ code: '401' }, [{ tag: 'conflict', attrs: { type: 'device_removed' } }]);
    }
    this.events.emit('device-removed', device, reason);
  }

  /** Closes every connection (the server is stopping). */
  closeAll(): void {
    for (const connection of this.#connections) connection.dropTcp();
  }

  #onHandshake(connection: WaConnection, result: NoiseResult): void {
    try {
      this.#startStream(connection, result);
    } catch (err) {
      this.logger.debug({ err }, 'sim refused a client payload');
      connection.failure(400);
    }
  }

  #startStream(connection: WaConnection, result: NoiseResult): void {
    if (result.clientPayload.devicePairingData) {
      const registration = parseRegistration(result.clientStatic, result.clientPayload);
      const stream = new ClientStream(connection, { kind: 'registration', registration });
      this.#streams.set(connection, stream);
      for (const ref of registration.refs) this.#pendingByRef.set(ref, stream);
      stream.send(buildPairDevice(this.nextId(), registration.refs));
      return;
    }
    const stream = handleLogin(this, connection, result);
    if (stream) this.#streams.set(connection, stream);
  }

  async #onNode(connection: WaConnection, node: BinaryNode): Promise<void> {
    const stream = this.#streams.get(connection);
    if (!stream) return;
    // Some requests carry no type (w:stats), so anything but result/error is a request.
    const isReply = node.tag === 'iq' && (node.attrs.type === 'result' || node.attrs.type === 'error');
    const isRequest = node.tag === 'iq' && !isReply;
    if (isReply) {
      stream.resolveReply(node);
      return;
    }
    const handler = isRequest ? this.router.findIq(node) : this.router.findStanza(node.tag);
    if (!handler) {
      if (isRequest) stream.send(iqError(node, 501, 'feature-not-implemented'));
      return;
    }
    try {
      const answer = await handler({ node, stream, sim: this });
      if (answer) stream.send(answer);
    } catch (err) {
      this.logger.warn({ err, tag: node.tag, xmlns: node.attrs.xmlns }, 'sim stanza handler failed');
      if (isRequest) stream.send(iqError(node, 500, 'internal-server-error'));
    }
  }

  #onClose(connection: WaConnection): void {
    this.#connections.delete(connection);
    const stream = this.#streams.get(connection);
    this.#streams.delete(connection);
    if (!stream) return;
    stream.closed();
    if (stream.identity.kind === 'registration') {
      for (const ref of stream.identity.registration.refs) this.#pendingByRef.delete(ref);
      return;
    }
    const device = stream.identity.device;
    if (this.#live.get(device.jid) === stream) {
      this.#live.delete(device.jid);
      this.events.emit('device-offline', device);
    }
  }
}
