import type { EventHub } from './event-hub.ts';
import type { OutboxStore, StoredEvent } from './event-store.ts';
import { toEnvelope } from './event-wire-format.ts';

/** The bit of a response the stream writes to (a node ServerResponse in production). */
export interface StreamSink {
  write(chunk: string): boolean;
  end(): void;
  readonly writableLength: number;
}

export interface LiveStreamOptions {
  sink: StreamSink;
  outbox: OutboxStore;
  hub: EventHub;
  /** Only this session's events. */
  sessionId?: string;
  /** Only events of sessions this accepts (a scoped key's sessions); undefined: every session. */
  visible?: (sessionId: string) => boolean;
  /** Resume after this sequence (the Last-Event-ID); undefined: live events only. */
  after?: number;
  heartbeatMs: number;
  /** A client this far behind is dropped; it can resume with Last-Event-ID (default 1 MiB). */
  maxBufferedBytes?: number;
  onError: (err: unknown) => void;
}

const REPLAY_PAGE = 500;

export const formatSse = (event: StoredEvent): string =>
  `id: ${event.sequence}\nevent: ${event.type}\ndata: ${JSON.stringify(toEnvelope(event))}\n\n`;

/**
 * One SSE client: subscribes to live events first and buffers them, replays the outbox after the
 * client's Last-Event-ID, then drains the buffer; the sequence check drops what both paths delivered.
 * Returns the function that ends it (call it when the client goes away).
 */
export function openLiveStream(options: LiveStreamOptions): () => void {
  const { sink, sessionId } = options;
  const maxBuffered = options.maxBufferedBytes ?? 1_048_576;
  let lastSent = options.after ?? 0;
  let replaying = options.after !== undefined;
  let closed = false;
  const buffered: StoredEvent[] = [];

  const close = () => {
    if (closed) return;
    closed = true;
    unsubscribe();
    clearInterval(heartbeat);
    sink.end();
  };
  const send = (event: StoredEvent) => {
    if (closed || event.sequence <= lastSent) return;
    if (options.visible && !options.visible(event.sessionId)) return;
    lastSent = event.sequence;
    sink.write(formatSse(event));
    if (sink.writableLength > maxBuffered) close();
  };
  const unsubscribe = options.hub.subscribe((event) => {
    if (sessionId !== undefined && event.sessionId !== sessionId) return;
    if (replaying) buffered.push(event);
    else send(event);
  });
  const heartbeat = setInterval(() => {
    if (!closed) sink.write(': heartbeat\n\n');
  }, options.heartbeatMs);
  heartbeat.unref();

  const replay = async () => {
    for (;;) {
      const page = await options.outbox.after(lastSent, { sessionId, limit: REPLAY_PAGE });
      for (const event of page) send(event);
      if (page.length < REPLAY_PAGE || closed) break;
    }
    replaying = false;
    for (const event of buffered.splice(0)) send(event);
  };
  if (replaying) {
    replay().catch((err: unknown) => {
      options.onError(err);
      close();
    });
  }
  return close;
}
