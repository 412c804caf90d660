import { get, type IncomingMessage } from 'node:http';

export interface SseFrame {
  id: string | undefined;
  event: string | undefined;
  // Parsed `data:` JSON; tests assert its fields.
  data: any;
}

/** A minimal text/event-stream client over fetch: collects frames, skips comments, waits with timeouts. */
export class SseClient {
  readonly frames: SseFrame[] = [];
  readonly comments: string[] = [];
  status = 0;
  contentType = '';
  readonly #controller = new AbortController();
  readonly #waiters = new Set<() => void>();
  #buffer = '';
  #ended = false;

  static async connect(url: string, headers: Record<string, string>): Promise<SseClient> {
    const client = new SseClient();
    // node:http with no agent: one socket per stream, gone on close (fetch's pool reopens sockets).
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const request = get(
        url,
        { headers: { accept: 'text/event-stream', ...headers }, agent: false, signal: client.#controller.signal },
        resolve,
      );
      request.once('error', reject);
    });
    client.status = response.statusCode ?? 0;
    client.contentType = response.headers['content-type'] ?? '';
    response.setEncoding('utf8');
    if (client.status !== 200) {
      for await (const chunk of response) client.#buffer += chunk as string;
      return client;
    }
    void client.#read(response);
    return client;
  }

  /** The body of a refused (non-2xx) connection. */
  get errorBody(): string {
    return this.#buffer;
  }

  async #read(body: IncomingMessage): Promise<void> {
    try {
      for await (const chunk of body) {
        this.#buffer += chunk as string;
        let end: number;
        while ((end = this.#buffer.indexOf('\n\n')) >= 0) {
          this.#parse(this.#buffer.slice(0, end));
          this.#buffer = this.#buffer.slice(end + 2);
        }
        for (const wake of this.#waiters) wake();
      }
    } catch {
      // aborted by close()
    } finally {
      this.#ended = true;
      for (const wake of this.#waiters) wake();
    }
  }

  #parse(block: string): void {
    const frame: SseFrame = { id: undefined, event: undefined, data: undefined };
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
      else if (line.startsWith('id: ')) frame.id = line.slice(4);
      else if (line.startsWith('event: ')) frame.event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (data.length === 0) return;
    frame.data = JSON.parse(data.join('\n'));
    this.frames.push(frame);
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Waits (bounded) until `predicate` holds. */
  async waitFor(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    if (predicate()) return;
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (predicate()) {
          cleanup();
          resolve();
        } else if (this.#ended) {
          cleanup();
          reject(new Error(`stream ended while waiting for ${what}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${what}; got ${this.frames.length} frames`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
    });
  }

  close(): void {
    this.#controller.abort();
  }
}
