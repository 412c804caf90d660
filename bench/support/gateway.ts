import { randomBytes } from 'node:crypto';
import { freePort } from '../../test/support/free-port.ts';
import { gatewayNodeArgs } from '../../test/support/gateway-command.ts';
import { spawnTracked, type TrackedChild } from './children.ts';
import { sleep } from './pool.ts';
import { ROOT } from './report.ts';

export interface JsonResponse {
  status: number;
  body: unknown;
}

export interface BenchGateway {
  readonly url: string;
  readonly apiKey: string;
  readonly pid: number;
  readonly proc: TrackedChild;
  /** performance.now() just before the process was spawned. */
  readonly spawnedAt: number;
  /** performance.now() when /health first answered. */
  readonly healthyAt: number;
  request(method: string, path: string, body?: unknown): Promise<JsonResponse>;
  stop(signal?: NodeJS.Signals): Promise<number | string | null>;
}

export interface BenchGatewayOptions {
  databaseUrl: string;
  dataDir: string;
  apiKey?: string;
  env?: Record<string, string>;
  /** Extra node flags (e.g. --cpu-prof), after the gateway's own from package.json. */
  nodeFlags?: string[];
}

/** The real gateway (`src/main.ts`) as a child process on a free loopback port; resolves once /health answers. */
export async function startBenchGateway(options: BenchGatewayOptions): Promise<BenchGateway> {
  const port = await freePort();
  const apiKey = options.apiKey ?? `bench_${randomBytes(16).toString('hex')}`;
  const spawnedAt = performance.now();
  const proc = spawnTracked(process.execPath, gatewayNodeArgs(options.nodeFlags), {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      PORT: String(port),
      HOST: '127.0.0.1',
      API_KEY: apiKey,
      DATABASE_URL: options.databaseUrl,
      DATA_DIR: options.dataDir,
      LOG_LEVEL: 'warn',
      ...options.env,
    },
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.child.exitCode !== null) throw new Error(`gateway exited early (${proc.child.exitCode}):\n${proc.output()}`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await proc.stop('SIGKILL');
      throw new Error(`gateway did not become healthy:\n${proc.output()}`);
    }
    await sleep(20);
  }
  const healthyAt = performance.now();
  return {
    url,
    apiKey,
    pid: proc.pid,
    proc,
    spawnedAt,
    healthyAt,
    async request(method, path, body) {
      const init: RequestInit = { method, headers: { authorization: `Bearer ${apiKey}` } };
      if (body !== undefined) {
        init.body = JSON.stringify(body);
        init.headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
      }
      const response = await fetch(`${url}${path}`, init);
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON
      }
      return { status: response.status, body: parsed };
    },
    stop: (signal = 'SIGTERM') => proc.stop(signal, 60_000),
  };
}

/** Reads a nested field of JSON without `any`. */
export function field(value: unknown, ...path: Array<string | number>): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}
