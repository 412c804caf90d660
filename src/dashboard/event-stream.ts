import { SseParser } from './sse-parser.ts';
import type { GatewayEvent } from './types.ts';

export type StreamState = 'connecting' | 'open' | 'reconnecting';

export interface EventStreamOptions {
  key: string;
  /** Where the gateway is; default '' (this page's origin). */
  baseUrl?: string;
  onEvent: (event: GatewayEvent) => void;
  /** 'open' after every (re)connection: events may have been missed before it, so reload then. */
  onState: (state: StreamState) => void;
  onUnauthorized: () => void;
  /** Waits before reconnect attempt n (0-based); default: 0.5 s doubling to 30 s, with jitter. */
  backoffMs?: (attempt: number) => number;
}

export const defaultBackoffMs = (attempt: number): number => {
  const ceiling = Math.min(30_000, 500 * 2 ** attempt);
  return ceiling / 2 + Math.random() * (ceiling / 2);
};

/**
 * `GET /events` read with fetch and a stream reader: the key goes in the Authorization header, which
 * EventSource cannot send (and the key must never be in a URL). Resumes with Last-Event-ID and
 * reconnects with backoff. Returns the function that closes it for good.
 */
export function openEventStream(options: EventStreamOptions): () => void {
  const backoff = options.backoffMs ?? defaultBackoffMs;
  let stopped = false;
  let controller: AbortController | undefined;
  let lastEventId = '';
  let wake: (() => void) | undefined;

  const readOnce = async (): Promise<'unauthorized' | 'ended'> => {
    controller = new AbortController();
    const headers: Record<string, string> = { authorization: `Bearer ${options.key}`, accept: 'text/event-stream' };
    if (lastEventId) headers['last-event-id'] = lastEventId;
    const response = await fetch(`${options.baseUrl ?? ''}/events`, { headers, signal: controller.signal });
    if (response.status === 401) return 'unauthorized';
    if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
    options.onState('open');
    const parser = new SseParser((message) => {
      lastEventId = message.lastEventId;
      try {
        options.onEvent(JSON.parse(message.data) as GatewayEvent);
      } catch {
        // Not an event envelope; the stream goes on.
      }
    });
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return 'ended';
      parser.push(value);
    }
  };

  const run = async () => {
    options.onState('connecting');
    for (let attempt = 0; !stopped;) {
      let outcome: 'unauthorized' | 'ended' | 'failed';
      try {
        outcome = await readOnce();
      } catch {
        outcome = 'failed';
      }
      if (stopped) return;
      if (outcome === 'unauthorized') return options.onUnauthorized();
      // A stream that opened and then ended starts the backoff over.
      attempt = outcome === 'ended' ? 0 : attempt + 1;
      options.onState('reconnecting');
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, backoff(attempt));
      });
    }
  };
  void run();

  return () => {
    stopped = true;
    controller?.abort();
    wake?.();
  };
}
