import { AppError } from '../../errors/app-error.ts';
import { errorCatalogue, type ErrorCode } from '../../errors/catalogue.ts';

/** What both ends of a worker channel need: Node's MessagePort and Worker both fit. */
export interface MessageEnd {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

/** An error as it crosses threads: an AppError keeps its catalogue code and client-facing detail. */
export interface WireError {
  message: string;
  code?: string;
  detail?: string;
}

type Frame =
  | { t: 'req'; id: number; op: string; args: unknown }
  | { t: 'res'; id: number; ok: true; value: unknown }
  | { t: 'res'; id: number; ok: false; error: WireError }
  | { t: 'note'; op: string; args: unknown };

type Handler = (args: never) => unknown;

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
}

const isCode = (code: string | undefined): code is ErrorCode =>
  code !== undefined && Object.hasOwn(errorCatalogue, code);

export function toWireError(err: unknown): WireError {
  if (err instanceof AppError)
    return { message: err.message, code: err.code, ...(err.detail !== undefined ? { detail: err.detail } : {}) };
  return { message: err instanceof Error ? err.message : String(err) };
}

/** The same AppError on this side (same code, status and detail); anything else becomes a plain Error. */
export function fromWireError(wire: WireError): Error {
  return isCode(wire.code) ? new AppError(wire.code, wire.detail) : new Error(wire.message);
}

/**
 * Request/response and one-way notes over one message port. Either end may call the other: the gateway
 * asks the engine worker to send, the worker asks the gateway's stores to read and write.
 * Errors cross as `WireError`s; values cross by structured clone (a Buffer arrives as a Uint8Array).
 */
export class RpcChannel {
  readonly #end: MessageEnd;
  readonly #handlers = new Map<string, Handler>();
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #closedWith: Error | undefined;
  /** Frames of this event-loop iteration, posted together: one message, one wake-up of the other thread. */
  #outbox: Frame[] = [];

  constructor(end: MessageEnd) {
    this.#end = end;
    end.on('message', (message) => {
      for (const frame of message as Frame[]) this.#receive(frame);
    });
  }

  /** Answers calls (and notes) named `op` from the other end. */
  handle<A, R>(op: string, handler: (args: A) => R | Promise<R>): this {
    this.#handlers.set(op, handler as Handler);
    return this;
  }

  call<R>(op: string, args: unknown): Promise<R> {
    if (this.#closedWith) return Promise.reject(this.#closedWith);
    const id = this.#nextId++;
    return new Promise<R>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#post({ t: 'req', id, op, args });
    });
  }

  /** One-way: no answer, no error back. */
  notify(op: string, args: unknown): void {
    this.#post({ t: 'note', op, args });
  }

  /** The other end is gone: every call still waiting, and every later one, fails with `err`. */
  close(err: Error): void {
    this.#closedWith ??= err;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.reject(err);
  }

  #post(frame: Frame): void {
    if (this.#outbox.push(frame) === 1) setImmediate(() => this.#flush());
  }

  #flush(): void {
    const frames = this.#outbox;
    this.#outbox = [];
    this.#end.postMessage(frames);
  }

  #receive(frame: Frame): void {
    if (frame.t === 'res') {
      const pending = this.#pending.get(frame.id);
      if (!pending) return;
      this.#pending.delete(frame.id);
      if (frame.ok) pending.resolve(frame.value);
      else pending.reject(fromWireError(frame.error));
      return;
    }
    const handler = this.#handlers.get(frame.op);
    if (frame.t === 'note') {
      void (async () => (handler as ((args: unknown) => unknown) | undefined)?.(frame.args))().catch(() => undefined);
      return;
    }
    void this.#answer(frame.id, handler, frame.op, frame.args);
  }

  async #answer(id: number, handler: Handler | undefined, op: string, args: unknown): Promise<void> {
    try {
      if (!handler) throw new Error(`no handler for ${op}`);
      const value = await (handler as (args: unknown) => unknown)(args);
      this.#post({ t: 'res', id, ok: true, value });
    } catch (err) {
      this.#post({ t: 'res', id, ok: false, error: toWireError(err) });
    }
  }
}
