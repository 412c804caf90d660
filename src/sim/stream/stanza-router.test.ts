import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BinaryNode } from '@whiskeysockets/baileys';
import { StanzaRouter } from './stanza-router.ts';

const iq = (xmlns: string, type: string, child?: string): BinaryNode => ({
  tag: 'iq',
  attrs: { xmlns, type, id: '1' },
  ...(child ? { content: [{ tag: child, attrs: {} }] } : {}),
});

describe('stanza router', () => {
  it('picks the most specific iq route, the later one among equals', async () => {
    const router = new StanzaRouter<null>();
    const tagged = (name: string) => () => ({ tag: name, attrs: {} });
    router
      .iq({ xmlns: 'encrypt' }, tagged('any'))
      .iq({ xmlns: 'encrypt', type: 'get' }, tagged('get'))
      .iq({ xmlns: 'encrypt', child: 'count' }, tagged('count'))
      .iq({ xmlns: 'encrypt', type: 'get', child: 'count' }, tagged('get-count'))
      .iq({ xmlns: 'encrypt', type: 'get', child: 'count' }, tagged('get-count-2'));
    const run = async (node: BinaryNode): Promise<string | undefined> => {
      const handler = router.findIq(node);
      const answer = handler ? await handler({ node, stream: undefined as never, sim: null }) : undefined;
      return answer ? answer.tag : undefined;
    };
    assert.equal(await run(iq('encrypt', 'get', 'count')), 'get-count-2');
    assert.equal(await run(iq('encrypt', 'set', 'count')), 'count');
    assert.equal(await run(iq('encrypt', 'get', 'digest')), 'get');
    assert.equal(await run(iq('encrypt', 'set')), 'any');
    assert.equal(router.findIq(iq('usync', 'get')), undefined);
  });

  it('routes other stanzas by tag', () => {
    const router = new StanzaRouter<null>();
    const handler = () => undefined;
    router.stanza('message', handler);
    assert.equal(router.findStanza('message'), handler);
    assert.equal(router.findStanza('receipt'), undefined);
  });
});
