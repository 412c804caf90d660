import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeMessage } from './message-content.ts';

describe('describeMessage (the received-message log view)', () => {
  it('reads texts, replies and wrapped content', () => {
    assert.deepEqual(describeMessage({ conversation: 'hi' }), { type: 'text', text: 'hi' });
    assert.deepEqual(describeMessage({ extendedTextMessage: { text: 're', contextInfo: { stanzaId: 'ABC' } } }), {
      type: 'text',
      text: 're',
      quotedId: 'ABC',
    });
    assert.deepEqual(describeMessage({ ephemeralMessage: { message: { conversation: 'gone soon' } } }), {
      type: 'text',
      text: 'gone soon',
    });
    const doc = describeMessage({
      documentWithCaptionMessage: { message: { documentMessage: { caption: 'c', fileName: 'a.pdf', fileLength: 3 } } },
    });
    assert.equal(doc?.type, 'document');
    assert.equal(doc?.text, 'c');
    assert.deepEqual([doc?.media?.fileName, doc?.media?.fileLength], ['a.pdf', 3]);
  });

  it('reads location, contact and reaction fields', () => {
    assert.deepEqual(describeMessage({ locationMessage: { degreesLatitude: 1.5, degreesLongitude: -2 } })?.location, {
      latitude: 1.5,
      longitude: -2,
    });
    assert.deepEqual(describeMessage({ contactMessage: { displayName: 'D', vcard: 'V' } })?.contact, {
      displayName: 'D',
      vcard: 'V',
    });
    assert.deepEqual(describeMessage({ reactionMessage: { key: { id: 'X' }, text: '' } })?.reaction, {
      targetId: 'X',
      emoji: '',
    });
  });

  it('ignores protocol-only messages', () => {
    assert.equal(describeMessage({ protocolMessage: { type: 0 } }), undefined);
    assert.equal(describeMessage({ senderKeyDistributionMessage: {} }), undefined);
    assert.equal(describeMessage(undefined), undefined);
  });
});
