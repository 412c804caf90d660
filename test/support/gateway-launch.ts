import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port.ts';
import { gatewayNodeArgs, ROOT } from './gateway-command.ts';

/**
 * The one way tests and benchmarks start the real gateway (`src/main.ts`) as a child process: a free
 * loopback port, a minimal environment, the node flags from package.json, then a wait for /health.
 * `test/support/gateway-process.ts` (tests) and `bench/support/gateway.ts` (benchmarks) are thin
 * wrappers that add their own defaults.
 */

export interface ApiResponse {
  status: number;
  headers: Headers;
  // JSON from the wire, deliberately untyped: callers assert its shape field by field.
  body: any;
}

export type GatewayRequest = (
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<ApiResponse>;

export interface GatewayLaunchOptions {
  databaseUrl: string;
  dataDir: string;
  /** The API key to start with; null starts without API_KEY, so the gateway generates one under dataDir. */
  apiKey: string | null;
  /** Variables on top of the launcher's (PORT, HOST, API_KEY, DATABASE_URL, DATA_DIR, LOG_LEVEL=warn). */
  env?: Record<string, string>;
  /** Extra node flags (e.g. --cpu-prof), after the gateway's own from package.json. */
  nodeFlags?: readonly string[];
  /** How long /health may take to answer (default 30 s). */
  healthTimeoutMs?: number;
  /** How often /health is asked meanwhile (default 100 ms). */
  healthPollMs?: number;
  /** How the process is spawned (default: node:child_process spawn); benchmarks pass their tracked spawn. */
  spawn?: (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;
}

export interface LaunchedGateway {
  readonly url: string;
  readonly apiKey: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** performance.now() just before the process was spawned. */
  readonly spawnedAt: number;
  /** performance.now() when /health first answered. */
  readonly healthyAt: number;
  /** Resolves with the exit code (or the signal name) once the process is gone. */
  readonly exited: Promise<number | string | null>;
  /** Everything the process wrote (stdout and stderr), capped to the last MiB. */
  output(): string;
  request: GatewayRequest;
  /** Sends `signal` (SIGKILL after `graceMs`, when given) and resolves with the exit code or signal name. */
  stop(signal: NodeJS.Signals, graceMs?: number): Promise<number | string | null>;
}

const OUTPUT_CAP = 1 << 20;

/** A request helper bound to one gateway: bearer auth, JSON bodies, JSON (or raw bytes) back. */
export function gatewayRequest(url: string, apiKey: () => string): GatewayRequest {
  return async (method, path, body, headers = {}) => {
    const init: RequestInit = { method, headers: { authorization: `Bearer ${apiKey()}`, ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${url}${path}`, init);
    const type = response.headers.get('content-type') ?? '';
    const payload = type.includes('json') ? await response.json() : Buffer.from(await response.arrayBuffer());
    return { status: response.status, headers: response.headers, body: payload };
  };
}

export async function launchGateway(options: GatewayLaunchOptions): Promise<LaunchedGateway> {
  const port = await freePort();
  let apiKey = options.apiKey ?? '';
  const spawnedAt = performance.now();
  const start = options.spawn ?? ((command, args, spawnOptions) => spawn(command, args, spawnOptions));
  const child = start(process.execPath, gatewayNodeArgs(options.nodeFlags), {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      PORT: String(port),
      HOST: '127.0.0.1',
      ...(apiKey ? { API_KEY: apiKey } : {}),
      DATABASE_URL: options.databaseUrl,
      DATA_DIR: options.dataDir,
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error('could not start the gateway');
  const pid = child.pid;
  let log = '';
  const keep = (chunk: Buffer): void => {
    log = (log + chunk.toString()).slice(-OUTPUT_CAP);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | string | null>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal));
  });
  const url = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + (options.healthTimeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited early (${child.exitCode}):\n${log}`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      throw new Error(`gateway did not become healthy:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.healthPollMs ?? 100));
  }
  const healthyAt = performance.now();

  if (!apiKey) apiKey = readFileSync(join(options.dataDir, 'api-key'), 'utf8').trim();
  return {
    url,
    apiKey,
    child,
    pid,
    spawnedAt,
    healthyAt,
    exited,
    output: () => log,
    request: gatewayRequest(url, () => apiKey),
    async stop(signal, graceMs) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill(signal);
      const timer = graceMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}
