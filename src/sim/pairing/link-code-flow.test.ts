import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type BinaryNode, decodeBinaryNode, encodeBinaryNode } from '@whiskeysockets/baileys';
import { makeCompanion, reg } from './fixtures/baileys-companion.ts';
import { LinkCodeError } from './link-code-crypto.ts';
import { createLinkCodeFlow } from './link-code-flow.ts';
import { generateX25519KeyPair } from './x25519.ts';

const roundTrip = (node: BinaryNode): Promise<BinaryNode> => decodeBinaryNode(encodeBinaryNode(node));

/** A registration stream whose companion answers primary_hello like Baileys, with its own code. */
function companionStream(companionCode: string) {
  const companion = makeCompanion(companionCode);
  const sent: BinaryNode[] = [];
  const stream = {
    sent,
    finish: undefined as Promise<{ finish: BinaryNode; advSecret: Buffer }> | undefined,
    send(node: BinaryNode) {
      sent.push(node);
      if (node.tag === 'notification') this.finish = roundTrip(node).then((n) => companion.onPrimaryHello(n));
    },
  };
  return { companion, stream };
}

type Stream = ReturnType<typeof companionStream>['stream'];
const reason = (r: string) => (err: unknown) => err instanceof LinkCodeError && err.reason === r;

async function run(companionCode: string, typedCode: string) {
  const flow = createLinkCodeFlow<Stream>();
  const { companion, stream } = companionStream(companionCode);
  const helloAnswer = flow.onCompanionHello(stream, await roundTrip(await companion.hello()));
  const entering = flow.enterCode({
    phoneNumber: '+15550001111',
    code: typedCode,
    primaryIdentity: generateX25519KeyPair(),
    notificationId: 'n1',
  });
  // Let the phone's PBKDF2 run and the notification go out, then the companion answers.
  for (let i = 0; i < 400 && !stream.finish; i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(stream.finish, 'primary_hello was pushed to the companion');
  const { finish, advSecret } = await stream.finish;
  const finishAnswer = flow.onCompanionFinish(stream, await roundTrip(finish));
  return { flow, stream, helloAnswer, entering, finishAnswer, advSecret, companion };
}

describe('pairing-code flow (server side)', () => {
  it("answers companion_hello with a ref, pushes primary_hello, links with the companion's advSecret", async () => {
    const { helloAnswer, entering, finishAnswer, advSecret, stream, companion, flow } = await run(
      'ZX8K4MQP',
      'zx8k-4mqp',
    );
    assert.equal(helloAnswer.attrs.type, 'result');
    assert.ok(reg(helloAnswer));
    const notification = stream.sent.find((n) => n.tag === 'notification');
    assert.equal(notification?.attrs.type, 'link_code_companion_reg');
    assert.equal(finishAnswer.attrs.type, 'result');
    const { link, hello } = await entering;
    assert.ok(link.advSecret.equals(advSecret));
    assert.ok(link.companionIdentityPub.equals(companion.creds.signedIdentityKey.public));
    assert.equal(hello.platformDisplay, 'Chrome (Ubuntu)');
    assert.equal(flow.hasRequest('15550001111'), false, 'the request is used up');
  });

  it('a wrong code rejects with wrong-code, answers the finish with an error and ends the request', async () => {
    const { entering, finishAnswer, flow } = await run('ZX8K4MQP', 'ZX8K4MQQ');
    await assert.rejects(entering, reason('wrong-code'));
    assert.equal(finishAnswer.attrs.type, 'error');
    assert.equal(flow.hasRequest('15550001111'), false);
  });

  it('refuses a code when no companion asked, and a malformed code before any exchange', async () => {
    const flow = createLinkCodeFlow<Stream>();
    const identity = generateX25519KeyPair();
    await assert.rejects(
      flow.enterCode({ phoneNumber: '15550001111', code: 'ABCDEFGH', primaryIdentity: identity, notificationId: 'n' }),
      reason('no-request'),
    );
    const { companion, stream } = companionStream('ABCDEFGH');
    flow.onCompanionHello(stream, await roundTrip(await companion.hello()));
    await assert.rejects(
      flow.enterCode({ phoneNumber: '15550001111', code: 'AB', primaryIdentity: identity, notificationId: 'n' }),
      reason('malformed-code'),
    );
    assert.equal(stream.sent.length, 0);
    assert.equal(flow.hasRequest('15550001111'), true, 'a malformed code does not use up the request');
  });

  it('forgets requests of a closed stream and times out a silent companion', async () => {
    const flow = createLinkCodeFlow<Stream>();
    const identity = generateX25519KeyPair();
    const { companion, stream } = companionStream('ABCDEFGH');
    flow.onCompanionHello(stream, await roundTrip(await companion.hello()));
    const silent = flow.enterCode({
      phoneNumber: '15550001111',
      code: 'ABCDEFGH',
      primaryIdentity: identity,
      notificationId: 'n',
      timeoutMs: 50,
    });
    await assert.rejects(silent, reason('timeout'));
    flow.onCompanionHello(stream, await roundTrip(await companion.hello()));
    flow.streamClosed(stream);
    assert.equal(flow.hasRequest('15550001111'), false);
  });

  it('answers a companion_finish nobody waits for with an error', async () => {
    const flow = createLinkCodeFlow<Stream>();
    const { companion, stream } = companionStream('ABCDEFGH');
    const hello = await roundTrip(await companion.hello());
    const finish: BinaryNode = {
      ...hello,
      content: [
        {
          tag: 'link_code_companion_reg',
          attrs: { jid: '15550001111@s.whatsapp.net', stage: 'companion_finish' },
          content: [
            { tag: 'link_code_pairing_wrapped_key_bundle', attrs: {}, content: Buffer.alloc(140) },
            { tag: 'companion_identity_public', attrs: {}, content: Buffer.alloc(32) },
            { tag: 'link_code_pairing_ref', attrs: {}, content: Buffer.from('r') },
          ],
        },
      ],
    };
    assert.equal(flow.onCompanionFinish(stream, finish).attrs.type, 'error');
  });
});
