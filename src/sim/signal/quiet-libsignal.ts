// libsignal 6 reports session changes with console.info/warn/error and passes whole session
// objects (private ratchet keys included) as extra arguments. These are its message openings.
const LIBSIGNAL_OPENINGS = [
  'Opening session',
  'Closing session',
  'Closing open session',
  'Closing stale open session',
  'Removing old closed session',
  'Session already',
  'Migrating session',
  'V1 session storage migration',
  'Decrypted message with closed session',
  'Failed to decrypt message with any known session',
  'Session error',
  'WARNING: Expected pubkey',
  'Unhandled bucket type',
];

type ConsoleMethod = 'info' | 'warn' | 'error' | 'log';
const METHODS: readonly ConsoleMethod[] = ['info', 'warn', 'error', 'log'];

function fromLibsignal(args: readonly unknown[]): boolean {
  const first = args[0];
  return typeof first === 'string' && LIBSIGNAL_OPENINGS.some((opening) => first.startsWith(opening));
}

/**
 * Drops libsignal's own console output (which carries key material) and lets every other console
 * call through. Process-wide, because libsignal is one module instance; returns an undo function.
 */
export function muteLibsignalConsole(): () => void {
  const originals = new Map<ConsoleMethod, (...args: unknown[]) => void>();
  for (const method of METHODS) {
    const original = console[method];
    originals.set(method, original);
    console[method] = (...args: unknown[]): void => {
      if (!fromLibsignal(args)) original.apply(console, args);
    };
  }
  return () => {
    for (const [method, original] of originals) console[method] = original;
  };
}
