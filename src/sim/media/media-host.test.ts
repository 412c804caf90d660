import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { type MediaHost, startMediaHost } from './media-host.ts';

interface Answer {
  readonly status: number;
  readonly body: Buffer;
}

/** One HTTPS request that trusts `ca` (or nothing extra when ca is undefined). */
function call(
  host: MediaHost,
  method: string,
  path: string,
  options: { body?: Buffer; ca?: string | undefined } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${host.origin}${path}`, { method, ...(options.ca ? { ca: options.ca } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const token = (blob: Buffer): string => createHash('sha256').update(blob).digest('base64url');

describe('media host (HTTPS, what Baileys uploads to and downloads from)', () => {
  let host: MediaHost;
  before(async () => {
    host = await startMediaHost({ seed: 'media-host-test', logger: pino({ level: 'silent' }), maxUploadBytes: 10_000 });
  });
  after(() => host.stop());

  it('stores an upload that carries the media_conn auth and the body hash, and serves it at direct_path', async () => {
    const blob = randomBytes(4_000);
    const up = await call(
      host,
      'POST',
      `/mms/image/${token(blob)}?auth=${encodeURIComponent(host.auth)}&token=${token(blob)}`,
      { body: blob, ca: host.caPem },
    );
    assert.equal(up.status, 200);
    const answer = JSON.parse(up.body.toString()) as { url: string; direct_path: string };
    assert.ok(answer.url.startsWith(`${host.origin}${answer.direct_path}`));
    assert.equal(host.find({ directPath: answer.direct_path })?.kind, 'image');
    const down = await call(host, 'GET', answer.direct_path, { ca: host.caPem });
    assert.equal(down.status, 200);
    assert.deepEqual(down.body, blob);
    assert.deepEqual(host.find({ url: answer.url })?.blob, blob);
  });

  it('refuses a wrong auth (401), a hash mismatch (400), an oversized body (413), an unknown type or path (404)', async () => {
    const blob = randomBytes(64);
    const path = (type: string, auth: string, t = token(blob)) =>
      `/mms/${type}/${t}?auth=${encodeURIComponent(auth)}&token=${t}`;
    assert.equal((await call(host, 'POST', path('image', 'wrong'), { body: blob, ca: host.caPem })).status, 401);
    assert.equal(
      (await call(host, 'POST', path('image', host.auth, token(randomBytes(8))), { body: blob, ca: host.caPem }))
        .status,
      400,
    );
    const big = randomBytes(10_001);
    assert.equal(
      (
        await call(host, 'POST', `/mms/video/${token(big)}?auth=${encodeURIComponent(host.auth)}`, {
          body: big,
          ca: host.caPem,
        })
      ).status,
      413,
    );
    assert.equal(
      (await call(host, 'POST', path('md-app-state', host.auth), { body: blob, ca: host.caPem })).status,
      404,
    );
    assert.equal((await call(host, 'GET', '/v/t62.7118-24/nothing.enc', { ca: host.caPem })).status, 404);
    assert.equal(host.store.size, 1, 'only the upload of the previous test is stored');
  });

  it('a client that does not trust the certificate cannot connect', async () => {
    await assert.rejects(call(host, 'GET', '/v/x'), /self-signed certificate/);
  });
});
