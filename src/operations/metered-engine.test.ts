import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { FakeEngine, type FakeConnection } from '../../test/support/fake-engine.ts';
import type { EngineEvent } from '../engine/engine.ts';
import type { IncomingMessage } from '../engine/messaging-types.ts';
import { meterEngine, type EngineMeter } from './metered-engine.ts';

function recordingMeter() {
  const seen: string[] = [];
  const meter: EngineMeter = {
    messageSent: (kind) => seen.push(`sent ${kind}`),
    messageReceived: (type) => seen.push(`received ${type}`),
    connectionClosed: (kind) => seen.push(`closed ${kind}`),
  };
  return { meter, seen };
}

const incoming = (type: IncomingMessage['type']): IncomingMessage => ({
  id: 'M1',
  chatId: '628@s.whatsapp.net',
  fromMe: false,
  from: { phoneNumber: '628', jid: '628@s.whatsapp.net', lid: null },
  pushName: null,
  timestamp: 0,
  type,
  text: null,
  media: null,
  quotedMessageId: null,
  location: null,
  contact: null,
  reaction: null,
});

test('received messages and classified closes are counted, and the session layer still gets every event', async () => {
  const fake = new FakeEngine();
  const { meter, seen } = recordingMeter();
  const delivered: EngineEvent['type'][] = [];
  const connection = meterEngine(fake, meter).connect({
    sessionId: 's',
    logger: pino({ level: 'silent' }),
    listener: (e) => delivered.push(e.type),
  });
  const raw = fake.connections[0] as FakeConnection;
  raw.emit({ type: 'qr', qr: '2@x' });
  raw.emit({ type: 'message', message: incoming('image') });
  raw.emit({ type: 'message-status', messageId: 'M1', chatId: '628@s.whatsapp.net', status: 'read' });
  await connection.close();
  assert.deepEqual(seen, ['received image', 'closed stopped']);
  assert.deepEqual(delivered, ['qr', 'message', 'message-status', 'close']);
});

test('a send is counted once WhatsApp took it, by content kind; a failed send is not', async () => {
  const fake = new FakeEngine();
  const { meter, seen } = recordingMeter();
  const connection = meterEngine(fake, meter).connect({
    sessionId: 's',
    logger: pino({ level: 'silent' }),
    listener: () => {},
  });
  const sent = await connection.sendMessage({
    to: '628@s.whatsapp.net',
    content: { kind: 'location', latitude: 1, longitude: 2 },
  });
  assert.equal(sent.id, 'FAKE1', "the engine's answer is passed back unchanged");
  const raw = fake.connections[0] as FakeConnection;
  raw.sendMessage = async () => {
    throw new Error('nack');
  };
  await assert.rejects(
    connection.sendMessage({ to: '628@s.whatsapp.net', content: { kind: 'text', text: 'x' } }),
    /nack/,
  );
  assert.deepEqual(seen, ['sent location']);
  assert.equal(await connection.requestPairingCode('628'), 'ABCD1234', 'other calls pass through');
});
