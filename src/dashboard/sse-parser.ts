/** One dispatched Server-Sent Event. */
export interface SseMessage {
  /** The stream's last event id at dispatch (it persists across events, as in EventSource). */
  lastEventId: string;
  event: string;
  data: string;
}

/**
 * The event-stream format of the HTML standard, fed in arbitrary chunks: lines end in LF, CR or CRLF;
 * `:` lines are comments; a blank line dispatches the buffered fields. Written for `fetch` streams,
 * because EventSource cannot send the Authorization header.
 */
export class SseParser {
  #buffer = '';
  #data: string[] = [];
  #event = '';
  #lastEventId = '';
  #dropLeadingLf = false;
  readonly #dispatch: (message: SseMessage) => void;

  constructor(dispatch: (message: SseMessage) => void) {
    this.#dispatch = dispatch;
  }

  get lastEventId(): string {
    return this.#lastEventId;
  }

  push(chunk: string): void {
    let text = this.#buffer + chunk;
    if (this.#dropLeadingLf && text.startsWith('\n')) text = text.slice(1);
    this.#dropLeadingLf = false;
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const char = text[i];
      if (char !== '\n' && char !== '\r') continue;
      this.#line(text.slice(start, i));
      if (char === '\r') {
        if (i + 1 === text.length) this.#dropLeadingLf = true;
        else if (text[i + 1] === '\n') i++;
      }
      start = i + 1;
    }
    this.#buffer = text.slice(start);
  }

  #line(line: string): void {
    if (line === '') return this.#flush();
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#event = value;
    else if (field === 'id' && !value.includes('\0')) this.#lastEventId = value;
  }

  #flush(): void {
    const data = this.#data;
    const event = this.#event;
    this.#data = [];
    this.#event = '';
    if (data.length === 0) return;
    this.#dispatch({ lastEventId: this.#lastEventId, event: event || 'message', data: data.join('\n') });
  }
}
