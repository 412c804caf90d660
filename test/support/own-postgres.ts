import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';

/**
 * A PostgreSQL cluster of the test's own on a loopback port, as scripts/with-postgres.sh makes one, so a
 * test can stop its server and start it again (the shared server of the other suites must stay up).
 */
export interface OwnPostgres {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` */
  url: string;
  /** Stops the server (fast shutdown: clients are disconnected). */
  stop(): void;
  /** Starts it again on the same port. */
  start(): void;
  /** Stops it for good and removes its files. */
  destroy(): void;
}

function binDir(): string {
  const candidates = ['/usr/lib/postgresql/15/bin'];
  if (existsSync('/usr/lib/postgresql')) {
    candidates.push(
      ...readdirSync('/usr/lib/postgresql')
        .sort()
        .reverse()
        .map((v) => `/usr/lib/postgresql/${v}/bin`),
    );
  }
  const found = candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
  if (!found) throw new Error('initdb/pg_ctl not found (apt-get install -y postgresql); this test is never skipped');
  return found;
}

/** initdb refuses to run as root: run the server tools as the postgres user then. */
function asPostgres(command: string, args: string[]): void {
  const root = process.getuid?.() === 0;
  execFileSync(root ? 'runuser' : command, root ? ['-u', 'postgres', '--', command, ...args] : args, { stdio: 'pipe' });
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const bin = binDir();
  const base = mkdtempSync(join(tmpdir(), 'wagate-own-pg-'));
  const data = join(base, 'data');
  mkdirSync(data, { mode: 0o700 });
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(base, uid, gid);
    chownSync(data, uid, gid);
  }
  asPostgres(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  const start = () =>
    asPostgres(join(bin, 'pg_ctl'), [
      '-D',
      data,
      '-l',
      join(base, 'server.log'),
      '-w',
      '-t',
      '30',
      '-o',
      `-h 127.0.0.1 -p ${port} -k ${base} -c fsync=off`,
      'start',
    ]);
  const stop = (mode: 'fast' | 'immediate') => asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-m', mode, '-w', 'stop']);
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => stop('fast'),
    start,
    destroy: () => {
      try {
        stop('immediate');
      } catch {
        // already stopped
      }
      rmSync(base, { recursive: true, force: true });
    },
  };
}
