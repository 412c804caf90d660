import { connect } from 'node:net';

export interface RawAnswer {
  /** null: the connection closed without an answer. */
  status: number | null;
  headers: Record<string, string>;
  body: string;
  /** true: nothing complete arrived before the client's own timeout. */
  timedOut: boolean;
}

/**
 * Writes `request` byte for byte to a loopback socket and reads one answer, bounded by `timeoutMs`
 * (the client's own timeout, so a hang shows up as `timedOut` instead of a stuck test). The socket stays
 * open for writing, as a browser's does; `end: true` half-closes it after the request.
 */
export function rawRequest(
  port: number,
  request: string | Buffer,
  timeoutMs = 10_000,
  end = false,
): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (timedOut: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...parse(Buffer.concat(chunks).toString('latin1')), timedOut });
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    const head = (typeof request === 'string' ? request : request.toString('latin1')).startsWith('HEAD ');
    socket.on('connect', () => (end ? socket.end(request) : socket.write(request)));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const text = Buffer.concat(chunks).toString('latin1');
      const parsed = parse(text);
      const length = Number(parsed.headers['content-length'] ?? Number.NaN);
      // Answer complete: the headers of a HEAD answer, or a body of its content-length.
      if (parsed.status === null) return;
      if (head || (Number.isFinite(length) && Buffer.byteLength(parsed.body, 'latin1') >= length)) finish(false);
    });
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
  });
}

function parse(text: string): Omit<RawAnswer, 'timedOut'> {
  const split = text.indexOf('\r\n\r\n');
  if (split < 0) return { status: null, headers: {}, body: '' };
  const [statusLine = '', ...lines] = text.slice(0, split).split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? Number.NaN);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number.isNaN(status) ? null : status, headers, body: text.slice(split + 4) };
}
