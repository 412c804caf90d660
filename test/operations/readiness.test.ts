import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { startGateway, type GatewayProcess } from '../support/gateway-process.ts';
import { startOwnPostgres, type OwnPostgres } from '../support/own-postgres.ts';
import { tempDir } from '../support/test-databases.ts';

/** `/ready` and `/health` as a probe calls them: no key. */
async function probe(gateway: GatewayProcess, path: '/ready' | '/health'): Promise<{ status: number; body: any }> {
  const response = await fetch(`${gateway.url}${path}`);
  return { status: response.status, body: await response.json() };
}

async function eventuallyStatus(gateway: GatewayProcess, status: number, what: string): Promise<any> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const answer = await probe(gateway, '/ready');
    if (answer.status === status) return answer.body;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: last ${answer.status} ${JSON.stringify(answer.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('GET /ready on a PostgreSQL gateway whose server the test stops and starts (own cluster)', () => {
  let server: OwnPostgres;
  let gateway: GatewayProcess | undefined;
  const dataDir = tempDir();

  before(async () => {
    server = await startOwnPostgres();
  });
  after(async () => {
    await gateway?.kill('SIGKILL');
    server?.destroy();
  });

  test('200 while the database answers, 503 DATABASE_UNAVAILABLE while it is down, and 200 again', async () => {
    gateway = await startGateway({ databaseUrl: server.url, dataDir });
    assert.deepEqual(await eventuallyStatus(gateway, 200, 'ready'), { success: true, message: 'Gateway is ready' });

    server.stop();
    const down = await probe(gateway, '/ready');
    assert.equal(down.status, 503);
    assert.deepEqual(down.body, {
      success: false,
      message: 'Database unavailable',
      code: 'DATABASE_UNAVAILABLE',
      error: 'the database does not answer a health query; see the gateway log',
    });
    assert.equal((await probe(gateway, '/health')).status, 200, 'liveness does not depend on the database');
    assert.equal((await probe(gateway, '/ready')).status, 503, 'still down');

    server.start();
    await eventuallyStatus(gateway, 200, 'ready once the server is back');
    const warnings = gateway
      .output()
      .split('\n')
      .filter((line) => line.includes('readiness: the database does not answer'));
    assert.equal(warnings.length, 1, 'two failed probes, one warning');
    assert.equal(await gateway.kill('SIGKILL'), 'SIGKILL');
    gateway = undefined;
  });

  test('503 GATEWAY_STARTING while the start-up restore waits (sessions table locked), then 200', async () => {
    // The schema exists from the first test; a transaction holding the sessions table makes the restore wait.
    const locker = new pg.Client({ connectionString: server.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE sessions IN ACCESS EXCLUSIVE MODE');
      gateway = await startGateway({ databaseUrl: server.url, dataDir });
      assert.equal((await probe(gateway, '/health')).status, 200, 'alive and listening');
      const starting = await probe(gateway, '/ready');
      assert.equal(starting.status, 503);
      assert.deepEqual(starting.body, {
        success: false,
        message: 'Gateway is starting',
        code: 'GATEWAY_STARTING',
        error: 'stored sessions are still being restored',
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal((await probe(gateway, '/ready')).status, 503, 'still restoring while the lock is held');
      await locker.query('COMMIT');
      await eventuallyStatus(gateway, 200, 'ready after the restore');
    } finally {
      await locker.end();
    }
  });
});
