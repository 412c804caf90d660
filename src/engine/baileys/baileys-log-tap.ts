import type { SocketConfig } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';

type BaileysLogger = SocketConfig['logger'];
type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error';
type LogCall = (this: Logger, obj: unknown, msg?: string) => void;

/** One host that refused a media upload, as Baileys reported it (it throws only "failed on all hosts"). */
export interface UploadFailure {
  host: string;
  cause: string;
  /** Epoch ms when Baileys reported it. */
  at: number;
}

const UPLOAD_FAILED = /^Error in uploading to (\S+)/;
const KEPT_UPLOAD_FAILURES = 8;

/** `Error: self-signed certificate\n    at …` → `self-signed certificate`. */
function firstLineOf(trace: unknown): string {
  if (typeof trace !== 'string' || trace === '') return 'unknown error';
  return (trace.split('\n', 1)[0] ?? '').replace(/^(?:[A-Za-z]*Error|Boom): /, '') || 'unknown error';
}

function streamErrorCode(obj: unknown): string | undefined {
  const node = (obj as { fullErrorNode?: { attrs?: { code?: unknown } } } | null)?.fullErrorNode;
  return typeof node?.attrs?.code === 'string' ? node.attrs.code : undefined;
}

/**
 * The logger one Baileys socket writes to, with two things read off it on the way:
 * - the per-host cause of a failed media upload, which Baileys only logs (its error says "failed on all
 *   hosts"), so a failed send can name the host and the reason (`uploadFailuresSince`);
 * - the 515 stream error, which Baileys logs at error level although it is the normal restart after
 *   pairing; it is handed to `onStreamRestart` instead.
 */
export class BaileysLogTap {
  readonly #onStreamRestart: () => void;
  readonly #uploadFailures: UploadFailure[] = [];

  constructor(onStreamRestart: () => void) {
    this.#onStreamRestart = onStreamRestart;
  }

  /** The upload failures reported at or after `since` (epoch ms), oldest first. */
  uploadFailuresSince(since: number): UploadFailure[] {
    return this.#uploadFailures.filter((failure) => failure.at >= since);
  }

  wrap(inner: Logger): BaileysLogger {
    // Baileys logs on every frame (mostly below the level); a call, not a bound copy, keeps that cheap.
    const write = (level: Level, obj: unknown, msg?: string) => {
      const log = inner[level] as LogCall;
      if (msg === undefined) log.call(inner, obj);
      else log.call(inner, obj, msg);
    };
    return {
      get level() {
        return inner.level;
      },
      set level(level: string) {
        inner.level = level;
      },
      child: (bindings: Record<string, unknown>) => this.wrap(inner.child(bindings)),
      trace: (obj: unknown, msg?: string) => write('trace', obj, msg),
      debug: (obj: unknown, msg?: string) => write('debug', obj, msg),
      info: (obj: unknown, msg?: string) => write('info', obj, msg),
      warn: (obj: unknown, msg?: string) => {
        const host = msg === undefined ? undefined : UPLOAD_FAILED.exec(msg)?.[1];
        if (host) this.#recordUploadFailure(host, firstLineOf((obj as { trace?: unknown } | null)?.trace));
        write('warn', obj, msg);
      },
      error: (obj: unknown, msg?: string) => {
        if (msg === 'stream errored out' && streamErrorCode(obj) === '515') return this.#onStreamRestart();
        write('error', obj, msg);
      },
    };
  }

  #recordUploadFailure(host: string, cause: string): void {
    this.#uploadFailures.push({ host, cause, at: Date.now() });
    if (this.#uploadFailures.length > KEPT_UPLOAD_FAILURES) this.#uploadFailures.shift();
  }
}
