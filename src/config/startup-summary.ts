import type { Config, DatabaseConfig } from './config.ts';

/** What the start-up line says about the database: the SQLite file, or PostgreSQL's host and database (no password). */
export function describeDatabaseForLog(database: DatabaseConfig): string {
  if (database.dialect === 'sqlite') return `SQLite ${database.filename}`;
  try {
    const url = new URL(database.url);
    const name = decodeURIComponent(url.pathname.replace(/^\//, '')) || '(default database)';
    return `PostgreSQL ${url.host} database ${name}`;
  } catch {
    return 'PostgreSQL';
  }
}

export interface StartupSummary {
  message: string;
  fields: { version: string; database: string; listen: string; engineThreads: number; simulator: string | undefined };
}

/** The one info line a gateway logs once it listens: what runs, on which database, where, and against what. */
export function startupSummary(config: Config, version: string): StartupSummary {
  const database = describeDatabaseForLog(config.database);
  const listen = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  const threads = config.engineThreads === 0 ? 'engine on the main thread' : `${config.engineThreads} engine threads`;
  const parts = [`wagate ${version}`, `database ${database}`, `listening on ${listen}`, threads];
  if (config.waWsUrl) parts.push(`simulator mode (WA_WS_URL=${config.waWsUrl})`);
  return {
    message: parts.join('; '),
    fields: { version, database, listen, engineThreads: config.engineThreads, simulator: config.waWsUrl },
  };
}
