import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { type BinaryNode, bytesToCrockford, decodeBinaryNode, encodeBinaryNode } from '@whiskeysockets/baileys';
import { makeCompanion, PHONE, reg } from './fixtures/baileys-companion.ts';
import { startLinkCodeAttempt } from './link-code-attempt.ts';
import { LinkCodeError } from './link-code-crypto.ts';
import { parseCompanionFinish, parseCompanionHello } from './link-code-nodes.ts';
import { generateX25519KeyPair } from './x25519.ts';

const roundTrip = (node: BinaryNode): Promise<BinaryNode> => decodeBinaryNode(encodeBinaryNode(node));

async function exchange(companionCode: string, typedCode: string) {
  const companion = makeCompanion(companionCode);
  const hello = parseCompanionHello(await roundTrip(await companion.hello()));
  const attempt = await startLinkCodeAttempt({
    hello,
    code: typedCode,
    primaryIdentity: generateX25519KeyPair(),
    ref: Buffer.from('2@simref'),
    notificationId: 'n-1',
  });
  const { finish, advSecret } = await companion.onPrimaryHello(await roundTrip(attempt.primaryHello));
  return { companion, hello, attempt, finish: parseCompanionFinish(await roundTrip(finish)), advSecret };
}

describe('pairing code, phone side against the Baileys client steps', () => {
  it('parses companion_hello as Baileys sends it', async () => {
    const companion = makeCompanion('ABCDEFGH');
    const hello = parseCompanionHello(await roundTrip(await companion.hello()));
    assert.equal(hello.jid, PHONE);
    assert.equal(hello.platformId, '1');
    assert.equal(hello.platformDisplay, 'Chrome (Ubuntu)');
    assert.equal(hello.wrappedCompanionEphemeralPub.length, 80);
    assert.ok(hello.companionNoisePub.equals(companion.creds.noiseKey.public));
  });

  it('derives the same advSecret as the companion with the right code', async () => {
    const code = bytesToCrockford(randomBytes(5));
    const { companion, attempt, finish, advSecret } = await exchange(code, code);
    const link = attempt.finish(finish);
    assert.equal(link.advSecret.length, 32);
    assert.ok(link.advSecret.equals(advSecret), 'advSecret matches the companion side');
    assert.ok(link.companionIdentityPub.equals(companion.creds.signedIdentityKey.public));
    assert.ok(link.companionNoisePub.equals(companion.creds.noiseKey.public));
  });

  it('accepts the code typed in lower case with a dash', async () => {
    const { attempt, finish, advSecret } = await exchange('K7PQ2MXZ', 'k7pq-2mxz');
    assert.ok(attempt.finish(finish).advSecret.equals(advSecret));
  });

  it('fails with wrong-code when the typed code differs', async () => {
    const { attempt, finish } = await exchange('K7PQ2MXZ', 'K7PQ2MXY');
    assert.throws(
      () => attempt.finish(finish),
      (err: unknown) => err instanceof LinkCodeError && err.reason === 'wrong-code',
    );
  });

  it('rejects a code that is not 8 letters or digits before any crypto', async () => {
    const hello = parseCompanionHello(await roundTrip(await makeCompanion('ABCDEFGH').hello()));
    const start = (code: string) =>
      startLinkCodeAttempt({
        hello,
        code,
        primaryIdentity: generateX25519KeyPair(),
        ref: Buffer.from('r'),
        notificationId: 'n',
      });
    for (const code of ['ABC', 'ABCDEFGHJ', 'ABCD EF!H', '']) {
      await assert.rejects(
        start(code),
        (err: unknown) => err instanceof LinkCodeError && err.reason === 'malformed-code',
      );
    }
  });

  it('rejects a finish for another ref or with a swapped identity', async () => {
    const { attempt, finish } = await exchange('ABCDEFGH', 'ABCDEFGH');
    assert.throws(() => attempt.finish({ ...finish, ref: Buffer.from('other') }), LinkCodeError);
    const swapped = { ...finish, companionIdentityPub: randomBytes(32) };
    assert.throws(
      () => attempt.finish(swapped),
      (err: unknown) => err instanceof LinkCodeError && err.reason === 'identity-mismatch',
    );
  });

  it('rejects nodes of the wrong stage or missing children', async () => {
    const hello = await roundTrip(await makeCompanion('ABCDEFGH').hello());
    assert.throws(() => parseCompanionFinish(hello), LinkCodeError);
    const body = reg(hello);
    const stripped: BinaryNode = { ...body, content: Array.isArray(body.content) ? body.content.slice(1) : [] };
    assert.throws(() => parseCompanionHello(stripped), LinkCodeError);
  });
});
