import autocannon from 'autocannon';

export interface LoadResult {
  requestsPerSec: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  bytesPerResponse: number;
  non2xx: number;
  errors: number;
}

export interface LoadOptions {
  url: string;
  headers?: Record<string, string>;
  connections: number;
  durationSec: number;
}

/** One autocannon run (in this process); the server under test is another process. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSec,
    ...(options.headers && { headers: options.headers }),
  });
  const responses = result.requests.total || 1;
  return {
    requestsPerSec: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    bytesPerResponse: result.throughput.total / responses,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}
