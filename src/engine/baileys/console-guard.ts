import type { Logger } from 'pino';

const METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

/**
 * libsignal reports session changes with console.info/warn and passes whole session records, private
 * ratchet keys included. Route every console call to the logger at debug level with only its leading
 * text; objects, buffers and errors passed alongside are dropped so key material never reaches output.
 * Returns a function that restores the original console.
 */
export function installConsoleGuard(logger: Logger): () => void {
  const originals = METHODS.map((name) => [name, console[name]] as const);
  for (const name of METHODS) {
    console[name] = (...args: unknown[]) => {
      const first = args[0];
      logger.debug({ console: name }, typeof first === 'string' ? first.slice(0, 200) : 'console output suppressed');
    };
  }
  return () => {
    for (const [name, fn] of originals) console[name] = fn;
  };
}
