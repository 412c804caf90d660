import { randomBytes } from 'node:crypto';
import { launchGateway } from '../../test/support/gateway-launch.ts';
import { spawnTracked, type TrackedChild } from './children.ts';

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

/**
 * The real gateway as a benchmark child (test/support/gateway-launch.ts starts it): tracked, so it is
 * stopped when the benchmark exits or fails; resolves once /health answers.
 */
export async function startBenchGateway(options: BenchGatewayOptions): Promise<BenchGateway> {
  let proc: TrackedChild | undefined;
  const gateway = await launchGateway({
    databaseUrl: options.databaseUrl,
    dataDir: options.dataDir,
    apiKey: options.apiKey ?? `bench_${randomBytes(16).toString('hex')}`,
    ...(options.env ? { env: options.env } : {}),
    ...(options.nodeFlags ? { nodeFlags: options.nodeFlags } : {}),
    healthTimeoutMs: 60_000,
    healthPollMs: 20,
    spawn: (command, args, spawnOptions) => {
      proc = spawnTracked(command, args, spawnOptions);
      return proc.child;
    },
  });
  if (!proc) throw new Error('the gateway was not spawned through spawnTracked');
  const tracked = proc;
  return {
    url: gateway.url,
    apiKey: gateway.apiKey,
    pid: gateway.pid,
    proc: tracked,
    spawnedAt: gateway.spawnedAt,
    healthyAt: gateway.healthyAt,
    request: (method, path, body) => gateway.request(method, path, body),
    stop: (signal = 'SIGTERM') => tracked.stop(signal, 60_000),
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
