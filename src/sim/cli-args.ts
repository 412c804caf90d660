/** Parsed command line of `npm run sim`. */
export interface CliArgs {
  readonly port: number;
  readonly rootSeed: string;
  readonly logLevel: string;
}

export const CLI_USAGE = 'usage: npm run sim -- [--port N (7777)] [--root-seed SEED] [--log-level warn]';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Parses `--port N`, `--root-seed S`, `--log-level L` (also `--flag=value`); throws with a usage hint. */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const match = /^--(port|root-seed|log-level)(?:=(.*))?$/.exec(arg);
    if (!match?.[1]) throw new Error(`unknown argument ${arg}\n${CLI_USAGE}`);
    const value = match[2] ?? argv[++i];
    if (value === undefined || value === '') throw new Error(`--${match[1]} needs a value\n${CLI_USAGE}`);
    values.set(match[1], value);
  }
  const port = Number(values.get('port') ?? '7777');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535\n${CLI_USAGE}`);
  const logLevel = values.get('log-level') ?? 'warn';
  if (!LOG_LEVELS.includes(logLevel)) throw new Error(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  return { port, rootSeed: values.get('root-seed') ?? 'wagate-simulator', logLevel };
}
