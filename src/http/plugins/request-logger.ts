import type { Bindings, ChildLoggerOptions, Logger, LevelWithSilent } from 'pino';

type LogMethod = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * `request.log` when the gateway logs above `info`: Fastify's per-request lines are all `info`, so
 * they are dropped anyway, and building a pino child for every request (its bindings serialised)
 * would be wasted. This stands in for the child and builds it only when something is really logged,
 * so an error still carries its `reqId`.
 */
export class DeferredChildLogger {
  readonly #parent: Logger;
  readonly #bindings: Bindings;
  readonly #options: ChildLoggerOptions;
  #child: Logger | undefined;

  constructor(parent: Logger, bindings: Bindings, options: ChildLoggerOptions) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#options = options;
  }

  get level(): LevelWithSilent | string {
    return this.#child?.level ?? this.#options.level ?? this.#parent.level;
  }

  #log(method: LogMethod, args: unknown[]): void {
    if (!this.#parent.isLevelEnabled(method)) return;
    this.#child ??= this.#parent.child(this.#bindings, this.#options);
    (this.#child[method] as (...a: unknown[]) => void)(...args);
  }

  fatal(...args: unknown[]): void {
    this.#log('fatal', args);
  }
  error(...args: unknown[]): void {
    this.#log('error', args);
  }
  warn(...args: unknown[]): void {
    this.#log('warn', args);
  }
  info(...args: unknown[]): void {
    this.#log('info', args);
  }
  debug(...args: unknown[]): void {
    this.#log('debug', args);
  }
  trace(...args: unknown[]): void {
    this.#log('trace', args);
  }
  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): Logger {
    this.#child ??= this.#parent.child(this.#bindings, this.#options);
    return this.#child.child(bindings, options);
  }
}

/** Fastify's childLoggerFactory: a real child when request lines are logged, a deferred one otherwise. */
export function requestChildLogger(logger: Logger, bindings: Bindings, options: ChildLoggerOptions): Logger {
  if (logger.isLevelEnabled('info') || options.level !== undefined) return logger.child(bindings, options);
  return new DeferredChildLogger(logger, bindings, options) as unknown as Logger;
}
