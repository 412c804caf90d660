import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port.ts';
import { gatewayNodeArgs, ROOT } from './gateway-command.ts';


export interface ApiResponse {
  status: number;
  headers: Headers;
  // JSON from the wire, deliberately untyped: the tests assert its shape field by field.
  body: any;
}

export interface GatewayProcess {
  url: string;
  apiKey: string;
  readonly child: ChildProcess;
  output(): string;
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  /** Sends the signal and resolves with the exit code (or signal name) once the process is gone. */
  kill(signal: NodeJS.Signals): Promise<number | string | null>;
}

export interface GatewayOptions {
  databaseUrl: string;
  dataDir: string;
  env?: Record<string, string>;
  /** null: start without API_KEY, so the gateway generates one under dataDir (read back after start). */
  apiKey?: string | null;
}

/** Runs `src/main.ts` as a real process on a free loopback port and waits until /health answers. */
export async function startGateway(options: GatewayOptions): Promise<GatewayProcess> {
  const port = await freePort();
  let apiKey = options.apiKey === null ? '' : (options.apiKey ?? `test_${randomBytes(16).toString('hex')}`);
  const child = spawn(process.execPath, gatewayNodeArgs(), {
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
      RECONNECT_BASE_MS: '200',
      RECONNECT_MAX_MS: '2000',
      // The e2e suites' second pass (scripts/test.sh) sets how many engine threads (0: the main thread).
      ...(process.env.WAGATE_TEST_ENGINE_THREADS !== undefined ? { ENGINE_THREADS: process.env.WAGATE_TEST_ENGINE_THREADS } : {}),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => { log += chunk.toString(); });
  child.stderr?.on('data', (chunk: Buffer) => { log += chunk.toString(); });
  const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const url = `http://127.0.0.1:${port}`;

  const request: GatewayProcess['request'] = async (method, path, body, headers = {}) => {
    const init: RequestInit = { method, headers: { authorization: `Bearer ${apiKey}`, ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${url}${path}`, init);
    const type = response.headers.get('content-type') ?? '';
    const payload = type.includes('json') ? await response.json() : Buffer.from(await response.arrayBuffer());
    return { status: response.status, headers: response.headers, body: payload };
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited early (${child.exitCode}):\n${log}`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`gateway did not become healthy:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  if (!apiKey) apiKey = readFileSync(join(options.dataDir, 'api-key'), 'utf8').trim();
  return {
    url,
    apiKey,
    child,
    output: () => log,
    request,
    kill: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Polls a session until its connectionStatus is `expected`; fails with the last body seen. */
export async function waitForConnectionStatus(
  gateway: GatewayProcess,
  sessionId: string,
  expected: string,
  timeoutMs = 20_000,
): Promise<ApiResponse> {
  const deadline = Date.now() + timeoutMs;
  let last: ApiResponse | undefined;
  for (;;) {
    last = await gateway.request('GET', `/sessions/${sessionId}/credentials`);
    if (last.body?.data?.connectionStatus === expected) return last;
    if (Date.now() > deadline) {
      throw new Error(`${sessionId}: wanted ${expected}, last ${JSON.stringify(last.body)}\n${gateway.output().slice(-4000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
