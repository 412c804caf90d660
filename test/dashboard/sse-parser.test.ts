import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SseParser, type SseMessage } from '../../src/dashboard/sse-parser.ts';

function parse(chunks: string[]): { messages: SseMessage[]; parser: SseParser } {
  const messages: SseMessage[] = [];
  const parser = new SseParser((message) => messages.push(message));
  for (const chunk of chunks) parser.push(chunk);
  return { messages, parser };
}

test('events as the gateway writes them: id, event, data, comments and heartbeats', () => {
  const { messages } = parse([': stream open\n\n', 'id: 7\nevent: session.qr\ndata: {"a":1}\n\n', ': heartbeat\n\n']);
  assert.deepEqual(messages, [{ lastEventId: '7', event: 'session.qr', data: '{"a":1}' }]);
});

test('chunks split anywhere, even inside a CRLF, give the same events', () => {
  const text = 'id: 1\r\ndata: first\r\n\r\nid: 2\r\ndata: sec\r\ndata: ond\r\n\r\n';
  const whole = parse([text]).messages;
  assert.equal(whole.length, 2);
  assert.deepEqual(whole[1], { lastEventId: '2', event: 'message', data: 'sec\nond' });
  for (let cut = 1; cut < text.length; cut++) {
    assert.deepEqual(parse([text.slice(0, cut), text.slice(cut)]).messages, whole, `cut at ${cut}`);
  }
  assert.deepEqual(parse([...text]).messages, whole, 'one character at a time');
});

test('the last event id persists across events without one; an id with NUL is ignored', () => {
  const { messages, parser } = parse(['id: 5\ndata: a\n\n', 'data: b\n\n', 'id: 6\0\ndata: c\n\n']);
  assert.deepEqual(
    messages.map((m) => m.lastEventId),
    ['5', '5', '5'],
  );
  assert.equal(parser.lastEventId, '5');
});

test('an event without data is not dispatched; a field without colon and an unknown field are handled', () => {
  const { messages } = parse(['event: nothing\n\n', 'data\n\n', 'retry: 10\nfoo: bar\ndata:x\n\n']);
  assert.deepEqual(messages, [
    { lastEventId: '', event: 'message', data: '' },
    { lastEventId: '', event: 'message', data: 'x' },
  ]);
});

test('an unfinished event waits for its blank line', () => {
  const { messages, parser } = parse(['id: 9\ndata: half']);
  assert.deepEqual(messages, []);
  parser.push('\n\n');
  assert.deepEqual(messages, [{ lastEventId: '9', event: 'message', data: 'half' }]);
});
