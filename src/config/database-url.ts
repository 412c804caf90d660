import { isAbsolute, resolve } from 'node:path';
import type { DatabaseConfig } from './config.ts';

export type DatabaseUrlResult = { ok: true; value: DatabaseConfig } | { ok: false; problem: string };

/** Removes a password from a URL so it can appear in an error message. */
export function redactUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '<unparseable>';
  }
}

/**
 * `sqlite:<path>` (relative to cwd; `sqlite:///abs` also accepted; `sqlite::memory:` for tests),
 * or `postgres://…` / `postgresql://…`.
 */
export function parseDatabaseUrl(text: string, cwd: string): DatabaseUrlResult {
  if (/^postgres(ql)?:\/\//i.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return { ok: false, problem: `not a valid PostgreSQL URL (${redactUrl(text)})` };
    }
    if (!url.hostname) return { ok: false, problem: `PostgreSQL URL needs a host (${redactUrl(text)})` };
    return { ok: true, value: { dialect: 'postgres', url: text } };
  }
  if (/^sqlite:/i.test(text)) {
    let path = text.slice('sqlite:'.length);
    if (path.startsWith('//')) path = path.slice(2);
    if (path === ':memory:') return { ok: true, value: { dialect: 'sqlite', filename: ':memory:' } };
    if (path === '') return { ok: false, problem: 'sqlite: URL needs a file path, e.g. sqlite:./data/wagate.sqlite' };
    return { ok: true, value: { dialect: 'sqlite', filename: isAbsolute(path) ? path : resolve(cwd, path) } };
  }
  return { ok: false, problem: 'must start with sqlite:, postgres:// or postgresql://' };
}
