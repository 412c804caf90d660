type Method = 'log' | 'info' | 'warn' | 'error' | 'debug' | 'trace';
const METHODS: readonly Method[] = ['log', 'info', 'warn', 'error', 'debug', 'trace'];

/**
 * libsignal prints whole session objects (private keys included) with console.*; tests mute the
 * console while Baileys runs. Returns the undo function.
 */
export function silenceConsole(): () => void {
  const saved = METHODS.map((method) => [method, console[method]] as const);
  for (const method of METHODS) console[method] = () => undefined;
  return () => {
    for (const [method, original] of saved) console[method] = original;
  };
}
