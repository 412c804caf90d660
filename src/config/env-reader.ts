export type EnvSource = Readonly<Record<string, string | undefined>>;

export interface EnvReader {
  /** Every problem found so far, each prefixed with the variable's name. */
  readonly problems: string[];
  /** The trimmed value; empty counts as unset (a bare `NAME=` line in .env). */
  raw(name: string): string | undefined;
  integer(name: string, fallback: number, min: number, max: number): number;
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T;
  /** An absolute URL whose protocol is one of `protocols` (e.g. `['ws:', 'wss:']`). */
  url(name: string, protocols: readonly string[]): string | undefined;
  report(name: string, problem: string): void;
}

/**
 * Reads typed values out of an environment, collecting problems instead of throwing on the first one.
 * Secret values are never quoted back in a problem.
 */
export function createEnvReader(env: EnvSource): EnvReader {
  const problems: string[] = [];
  const report = (name: string, problem: string) => void problems.push(`${name}: ${problem}`);
  const raw = (name: string) => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };

  return {
    problems,
    raw,
    report,
    integer(name, fallback, min, max) {
      const value = raw(name);
      if (value === undefined) return fallback;
      const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
      if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
        report(name, `must be an integer from ${min} to ${max} (got ${JSON.stringify(value)})`);
        return fallback;
      }
      return parsed;
    },
    oneOf(name, allowed, fallback) {
      const value = raw(name);
      if (value === undefined) return fallback;
      const found = allowed.find((candidate) => candidate === value.toLowerCase());
      if (found === undefined) report(name, `must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
      return found ?? fallback;
    },
    url(name, protocols) {
      const value = raw(name);
      if (value === undefined) return undefined;
      let parsed: URL | undefined;
      try {
        parsed = new URL(value);
      } catch {
        parsed = undefined;
      }
      if (!parsed || !protocols.includes(parsed.protocol) || !parsed.hostname) {
        report(name, `must be a ${protocols.map((p) => `${p}//`).join(' or ')} URL (got ${JSON.stringify(value)})`);
        return undefined;
      }
      return value;
    },
  };
}
