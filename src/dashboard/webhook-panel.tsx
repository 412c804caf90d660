import { useEffect, useState } from 'preact/hooks';
import type { ApiClient } from './api-client.ts';
import type { Webhook } from './types.ts';
import { useAction } from './use-action.ts';

export interface WebhookPanelProps {
  api: ApiClient;
  sessionId: string;
}

/** The session's own webhook: what it is, set it (a generated secret is shown once), remove it. */
export function WebhookPanel({ api, sessionId }: WebhookPanelProps) {
  const [webhook, setWebhook] = useState<Webhook | null | undefined>(undefined);
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const load = useAction(async () => {
    const current = await api.webhook(sessionId);
    setWebhook(current);
    if (current) setUrl(current.url);
  });
  const save = useAction(async () => {
    const saved = await api.putWebhook(sessionId, url.trim());
    setWebhook(saved);
    setSecret(saved.secret ?? null);
    setNotice('Webhook saved.');
  });
  const remove = useAction(async () => {
    await api.removeWebhook(sessionId);
    setWebhook(null);
    setUrl('');
    setSecret(null);
    setNotice('Webhook removed.');
  });
  useEffect(() => void load.run(), [sessionId]);
  const error = load.error ?? save.error ?? remove.error;

  return (
    <section aria-labelledby="webhook-heading">
      <h3 id="webhook-heading">Webhook</h3>
      {webhook === null && <p class="empty">No webhook for this session.</p>}
      {webhook && (
        <p class="webhook-state">
          {webhook.enabled ? 'Enabled' : `Disabled: ${webhook.disabledReason ?? 'unknown reason'}`} · events:{' '}
          {webhook.events.join(', ')}
        </p>
      )}
      <form
        class="stack"
        onSubmit={(event) => {
          event.preventDefault();
          void save.run();
        }}
      >
        <label for="webhook-url">Webhook URL</label>
        <input
          id="webhook-url"
          type="url"
          placeholder="https://example.com/hooks/wa"
          value={url}
          onInput={(event) => setUrl(event.currentTarget.value)}
          required
        />
        <div class="row-actions">
          <button type="submit" disabled={save.busy}>
            Save webhook
          </button>
          {webhook && (
            <button type="button" class="danger" disabled={remove.busy} onClick={() => void remove.run()}>
              Remove webhook
            </button>
          )}
        </div>
      </form>
      {secret && (
        <p class="secret">
          Signing secret (shown once, store it now): <code aria-label="Webhook secret">{secret}</code>
        </p>
      )}
      {notice && !error && (
        <p class="ok" role="status">
          {notice}
        </p>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
