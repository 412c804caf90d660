import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { launchGateway, type ApiResponse } from './gateway-launch.ts';

export type { ApiResponse } from './gateway-launch.ts';

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
  const threads = process.env.WAGATE_TEST_ENGINE_THREADS;
  const gateway = await launchGateway({
    databaseUrl: options.databaseUrl,
    dataDir: options.dataDir,
    apiKey: options.apiKey === null ? null : (options.apiKey ?? `test_${randomBytes(16).toString('hex')}`),
    env: {
      RECONNECT_BASE_MS: '200',
      RECONNECT_MAX_MS: '2000',
      // Test receivers (webhooks, media servers) listen on loopback: the documented settings let a gateway reach
      // them. The SSRF tests turn both off again.
      ALLOW_PRIVATE_WEBHOOKS: 'true',
      ALLOW_PRIVATE_MEDIA_URLS: 'true',
      // The e2e suites' second pass (scripts/test.sh) sets how many engine threads (0: the main thread).
      ...(threads !== undefined ? { ENGINE_THREADS: threads } : {}),
      ...options.env,
    },
  });
  return {
    url: gateway.url,
    apiKey: gateway.apiKey,
    child: gateway.child,
    output: gateway.output,
    request: gateway.request,
    kill: (signal) => gateway.stop(signal),
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
      throw new Error(
        `${sessionId}: wanted ${expected}, last ${JSON.stringify(last.body)}\n${gateway.output().slice(-4000)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
