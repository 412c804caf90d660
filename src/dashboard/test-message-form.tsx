import { useState } from 'preact/hooks';
import type { ApiClient } from './api-client.ts';
import { useAction } from './use-action.ts';

/** "Send a test message": a text to one number, through the same route as any client. */
export function TestMessageForm({ api, sessionId }: { api: ApiClient; sessionId: string }) {
  const [to, setTo] = useState('');
  const [text, setText] = useState('Hello from wagate');
  const [sent, setSent] = useState<string | null>(null);
  const send = useAction(async () => {
    setSent(null);
    const message = await api.sendText(sessionId, to.trim(), text);
    setSent(`Sent to ${message.to} (message ${message.id}).`);
  });
  return (
    <section aria-labelledby="test-message-heading">
      <h3 id="test-message-heading">Send a test message</h3>
      <form
        class="stack"
        onSubmit={(event) => {
          event.preventDefault();
          void send.run();
        }}
      >
        <label for="test-to">Send to</label>
        <input
          id="test-to"
          type="tel"
          placeholder="6281234567890"
          value={to}
          onInput={(event) => setTo(event.currentTarget.value)}
          required
        />
        <label for="test-text">Message text</label>
        <textarea
          id="test-text"
          rows={2}
          value={text}
          onInput={(event) => setText(event.currentTarget.value)}
          required
        />
        <button type="submit" disabled={send.busy}>
          Send test message
        </button>
      </form>
      {sent && (
        <p class="ok" role="status">
          {sent}
        </p>
      )}
      {send.error && (
        <p class="error" role="alert">
          {send.error}
        </p>
      )}
    </section>
  );
}
