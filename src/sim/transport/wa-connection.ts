import { type BinaryNode, decodeBinaryNode, encodeBinaryNode } from '@whiskeysockets/baileys';
import type { WebSocket } from 'ws';
import { createFrameReader, frame } from './frame-reader.ts';
import { createNoiseServerHandshake, type NoiseResult } from './noise-server.ts';
import type { ServerKeys } from './root-key.ts';
import type { TransportCipher } from './transport-cipher.ts';

/** Callbacks of a WaConnection; all optional errors are reported through onError. */
export interface WaConnectionHandlers {
  /** The Noise handshake finished: decide whether this is a registration or a login. */
  onHandshake(connection: WaConnection, result: NoiseResult): void;
  /** A decoded stanza from the client. */
  onNode(connection: WaConnection, node: BinaryNode): void;
  onClose(connection: WaConnection): void;
  onError(connection: WaConnection, err: unknown): void;
}

/** Options of a WaConnection. */
export interface WaConnectionOptions {
  readonly keys: ServerKeys;
  /** Never send the ServerHello (fault: stall the handshake). */
  readonly stallHandshake?: boolean;
}

/** One client WebSocket: Noise handshake, then encrypted binary nodes both ways; faults act on it. */
export class WaConnection {
  readonly #ws: WebSocket;
  readonly #handlers: WaConnectionHandlers;
  readonly #reader = createFrameReader();
  readonly #handshake;
  readonly #stall: boolean;
  #step: 'hello' | 'finish' | 'transport' = 'hello';
  #cipher: TransportCipher | undefined;
  #inbound: Promise<void> = Promise.resolve();
  #silent = false;
  #closed = false;

  constructor(ws: WebSocket, options: WaConnectionOptions, handlers: WaConnectionHandlers) {
    this.#ws = ws;
    this.#handlers = handlers;
    this.#stall = options.stallHandshake ?? false;
    this.#handshake = createNoiseServerHandshake({
      staticKey: options.keys.staticKey,
      certChain: options.keys.certChain,
    });
    ws.on('message', (data: Buffer) => this.#onMessage(data));
    ws.on('close', () => this.#onClose());
    ws.on('error', (err) => handlers.onError(this, err));
  }

  /** True until the WebSocket closed. */
  get isOpen(): boolean {
    return !this.#closed;
  }

  /** Encodes, encrypts and sends a stanza; a silent or closed connection drops it. */
  send(node: BinaryNode): void {
    if (!this.#cipher || this.#silent || this.#closed || this.#ws.readyState !== this.#ws.OPEN) return;
    this.#ws.send(frame(this.#cipher.encrypt(encodeBinaryNode(node))));
  }

  /** Sends `<stream:error>` and closes the WebSocket, as the server does after every stream error. */
  streamError(attrs: Record<string, string>, content?: BinaryNode[]): void {
    this.send({ tag: 'stream:error', attrs, ...(content ? { content } : {}) });
    this.closeWebSocket();
  }

  /** Sends `<failure reason>` (login refused) and closes. */
  failure(reason: number): void {
    this.send({ tag: 'failure', attrs: { reason: String(reason), location: 'sim' } });
    this.closeWebSocket();
  }

  /** Stops sending and answering anything (the client's keep-alive notices after a while). */
  goSilent(): void {
    this.#silent = true;
  }

  get isSilent(): boolean {
    return this.#silent;
  }

  /** Closes the WebSocket with 1000 after pending frames are flushed. */
  closeWebSocket(): void {
    if (this.#ws.readyState === this.#ws.OPEN || this.#ws.readyState === this.#ws.CONNECTING) this.#ws.close(1000);
  }

  /** Destroys the TCP socket without a WebSocket close frame. */
  dropTcp(): void {
    this.#ws.terminate();
  }

  #onMessage(data: Buffer): void {
    if (this.#closed) return;
    try {
      for (const payload of this.#reader.push(data)) this.#onFrame(payload);
    } catch (err) {
      this.#handlers.onError(this, err);
      this.dropTcp();
    }
  }

  #onFrame(payload: Buffer): void {
    if (this.#step === 'hello') {
      this.#step = 'finish';
      const hello = this.#handshake.serverHello(payload);
      if (!this.#stall) this.#ws.send(frame(hello));
      return;
    }
    if (this.#step === 'finish') {
      const result = this.#handshake.finish(payload);
      this.#step = 'transport';
      this.#cipher = result.cipher;
      // Baileys switches to transport mode right after writing ClientFinish; give it a tick first.
      setImmediate(() => {
        if (!this.#closed) this.#handlers.onHandshake(this, result);
      });
      return;
    }
    const cipher = this.#cipher;
    if (!cipher) return;
    const plaintext = cipher.decrypt(payload);
    this.#inbound = this.#inbound
      .then(async () => {
        const node = await decodeBinaryNode(plaintext);
        if (!this.#silent && !this.#closed) this.#handlers.onNode(this, node);
      })
      .catch((err: unknown) => this.#handlers.onError(this, err));
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#handlers.onClose(this);
  }
}
