import { field, type BenchGateway } from './gateway.ts';
import { sleep } from './pool.ts';
import type { SimProcess } from './simulator.ts';

async function poll<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, pollMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(pollMs);
  }
}

/** Creates a session over HTTP, scans its QR with the simulated phone and waits until it is AUTHENTICATED. */
export async function linkSession(
  gateway: BenchGateway,
  sim: SimProcess,
  sessionId: string,
  phoneNumber: string,
  timeoutMs = 60_000,
): Promise<void> {
  const created = await gateway.request('POST', '/sessions', { sessionId });
  if (created.status !== 201) throw new Error(`create ${sessionId}: ${created.status} ${JSON.stringify(created.body)}`);
  const qr = await poll(`${sessionId} QR`, timeoutMs, async () => {
    const response = await gateway.request('GET', `/sessions/${sessionId}/qr`);
    const value = field(response.body, 'data', 'qr');
    return response.status === 200 && typeof value === 'string' ? value : undefined;
  });
  await sim.scan(phoneNumber, qr);
  await poll(`${sessionId} AUTHENTICATED`, timeoutMs, async () => {
    const response = await gateway.request('GET', `/sessions/${sessionId}`);
    return field(response.body, 'data', 'connectionStatus') === 'AUTHENTICATED' ? true : undefined;
  });
}

/**
 * `linkSession` with retries: a link that fails (e.g. the simulator gave up waiting for the companion on an
 * overloaded machine) is deleted and done again, up to `attempts` times. Returns the number of retries.
 */
export async function linkSessionWithRetry(
  gateway: BenchGateway,
  sim: SimProcess,
  sessionId: string,
  phoneNumber: string,
  attempts = 3,
  onRetry: (err: unknown) => void = () => undefined,
): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      await linkSession(gateway, sim, sessionId, phoneNumber);
      return attempt - 1;
    } catch (err) {
      if (attempt >= attempts) throw err;
      onRetry(err);
      await gateway.request('DELETE', `/sessions/${sessionId}`);
    }
  }
}

/** How many sessions `/sessions/connected` reports. */
export async function connectedCount(gateway: BenchGateway): Promise<number> {
  const response = await gateway.request('GET', '/sessions/connected');
  const count = field(response.body, 'count');
  return typeof count === 'number' ? count : 0;
}
