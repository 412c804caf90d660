import { useState } from 'preact/hooks';
import { keyIsAccepted } from './api-client.ts';

export interface LoginFormProps {
  onLogin: (key: string) => void;
  /** Why the user is here again (e.g. the key stopped working). */
  notice: string | null;
}

/** Asks for the API key and checks it against a protected read before using it. */
export function LoginForm({ onLogin, notice }: LoginFormProps) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const presented = key.trim();
    if (!presented) return setError('Enter the API key.');
    setBusy(true);
    setError(null);
    try {
      if (await keyIsAccepted(presented)) onLogin(presented);
      else setError('That API key was refused. Check it and try again.');
    } catch (err) {
      setError(err instanceof Error ? `Could not check the key: ${err.message}` : 'Could not check the key.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login">
      <h1>wagate</h1>
      <form class="card" onSubmit={submit}>
        <h2>Log in</h2>
        {notice && (
          <p class="notice" role="status">
            {notice}
          </p>
        )}
        <label for="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autocomplete="current-password"
          value={key}
          onInput={(event) => setKey(event.currentTarget.value)}
          aria-describedby="api-key-help"
          required
        />
        <p id="api-key-help" class="help">
          The gateway's key (API_KEY, or the file data/api-key). It stays in this tab only.
        </p>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Checking…' : 'Log in'}
        </button>
      </form>
    </main>
  );
}
