import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalisePhone } from '../shared/phone-number.ts';
import { isLidJid, parseJid, phoneOf, recipientJid, userJid } from './jid.ts';

test('recipients: phone numbers with or without +, and user or device JIDs', () => {
  assert.equal(recipientJid('6283876013551'), '6283876013551@s.whatsapp.net');
  assert.equal(recipientJid('+6283876013551'), '6283876013551@s.whatsapp.net');
  assert.equal(recipientJid('6283876013551@s.whatsapp.net'), '6283876013551@s.whatsapp.net');
  assert.equal(recipientJid('6283876013551:12@s.whatsapp.net'), '6283876013551@s.whatsapp.net');
  assert.equal(recipientJid('123456789@lid'), '123456789@lid');
  for (const bad of ['', 'abc', '0812', '+62 838', '1@g.us', 'x@s.whatsapp.net', '1234567890123456']) {
    assert.equal(recipientJid(bad), null, bad);
  }
});

test('parsing and projections', () => {
  assert.deepEqual(parseJid('62838:12@s.whatsapp.net'), { user: '62838', device: 12, server: 's.whatsapp.net' });
  assert.equal(parseJid('nope'), null);
  assert.equal(phoneOf('62838:3@s.whatsapp.net'), '62838');
  assert.equal(phoneOf('555@lid'), null);
  assert.equal(isLidJid('555:2@lid'), true);
  assert.equal(userJid('555:2@lid'), '555@lid');
  assert.equal(normalisePhone(' +6281 '), null);
  assert.equal(normalisePhone('+6281234567'), '6281234567');
});
