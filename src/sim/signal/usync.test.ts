import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type BinaryNode,
  decodeBinaryNode,
  encodeBinaryNode,
  extractDeviceJids,
  USyncQuery,
  USyncUser,
} from '@whiskeysockets/baileys';
import { answerUsync, parseUsyncQuery, type UsyncAccount, type UsyncUserQuery } from './usync.ts';

const roundTrip = (node: BinaryNode): Promise<BinaryNode> => decodeBinaryNode(encodeBinaryNode(node));

/** The iq Baileys' executeUSyncQuery builds for a USyncQuery. */
function toIq(query: USyncQuery): BinaryNode {
  const users = query.users.map((user): BinaryNode => ({
    tag: 'user',
    attrs: user.phone ? {} : { jid: user.id ?? '' },
    content: query.protocols.map((p) => p.getUserElement(user)).filter((n): n is BinaryNode => n !== null),
  }));
  return {
    tag: 'iq',
    attrs: { to: '@s.whatsapp.net', type: 'get', xmlns: 'usync', id: 'u1' },
    content: [
      {
        tag: 'usync',
        attrs: { context: query.context, mode: query.mode, sid: 's1', last: 'true', index: '0' },
        content: [
          { tag: 'query', attrs: {}, content: query.protocols.map((p) => p.getQueryElement()) },
          { tag: 'list', attrs: {}, content: users },
        ],
      },
    ],
  };
}

const accounts: UsyncAccount[] = [
  { pnJid: '15550001111@s.whatsapp.net', lidJid: '111000111@lid', devices: [0, 5, 7] },
  { pnJid: '15550002222@s.whatsapp.net', lidJid: '222000222@lid', devices: [0] },
];
const resolve = (user: UsyncUserQuery): UsyncAccount | undefined =>
  accounts.find(
    (a) =>
      a.pnJid === user.jid ||
      a.lidJid === user.jid ||
      (user.phone && a.pnJid === `${user.phone.replace('+', '')}@s.whatsapp.net`),
  );

describe("usync answers read by Baileys' own USync parsers", () => {
  it('devices + lid: key-indexed companions, own device skipped, LID mapping given', async () => {
    const query = new USyncQuery().withContext('message').withDeviceProtocol().withLIDProtocol();
    query.withUser(new USyncUser().withId('15550001111@s.whatsapp.net'));
    query.withUser(new USyncUser().withId('15550002222@s.whatsapp.net'));
    const parsed = parseUsyncQuery(await roundTrip(toIq(query)));
    assert.deepEqual(parsed.protocols, ['devices', 'lid']);
    assert.equal(parsed.context, 'message');
    assert.equal(parsed.users.length, 2);

    const answer = await roundTrip(answerUsync(parsed, resolve));
    const result = query.parseUSyncQueryResult(answer);
    assert.ok(result);
    const contact = result.list.find((u) => u.id === '15550002222@s.whatsapp.net');
    assert.equal(contact?.lid, '222000222@lid');
    const devices = extractDeviceJids(result.list, '15550001111:5@s.whatsapp.net', '111000111:5@lid', false);
    const ids = devices.map((d) => `${d.user}:${d.device ?? 0}`).sort();
    assert.deepEqual(ids, ['15550001111:0', '15550001111:7', '15550002222:0']);
  });

  it('contact protocol: known numbers are "in", unknown ones "out"', async () => {
    const query = new USyncQuery().withContactProtocol();
    query.withUser(new USyncUser().withPhone('+15550002222'));
    query.withUser(new USyncUser().withPhone('+19999999999'));
    const parsed = parseUsyncQuery(await roundTrip(toIq(query)));
    assert.deepEqual(
      parsed.users.map((u) => u.phone),
      ['+15550002222', '+19999999999'],
    );
    const result = query.parseUSyncQueryResult(await roundTrip(answerUsync(parsed, resolve)));
    assert.deepEqual(
      result?.list.map((u) => [u.id, u.contact]),
      [
        ['15550002222@s.whatsapp.net', true],
        ['19999999999@s.whatsapp.net', false],
      ],
    );
  });

  it('rejects an iq without <usync>', () => {
    assert.throws(() => parseUsyncQuery({ tag: 'iq', attrs: {}, content: [] }), /usync/);
  });
});
