import { render } from 'preact';
import { useCallback, useMemo, useState } from 'preact/hooks';
import { createApiClient } from './api-client.ts';
import { DashboardView } from './dashboard-view.tsx';
import { storedKey, storeKey } from './key-storage.ts';
import { LoginForm } from './login-form.tsx';
import './styles.css';

function App() {
  const [key, setKey] = useState<string | null>(() => storedKey());
  const [notice, setNotice] = useState<string | null>(null);

  const logout = useCallback((why: string | null) => {
    storeKey(null);
    setKey(null);
    setNotice(why);
  }, []);
  const onUnauthorized = useCallback(() => logout('The gateway refused the API key. Log in again.'), [logout]);
  const api = useMemo(() => (key ? createApiClient(key, onUnauthorized) : null), [key, onUnauthorized]);

  if (!api) {
    return (
      <LoginForm
        notice={notice}
        onLogin={(accepted) => {
          storeKey(accepted);
          setNotice(null);
          setKey(accepted);
        }}
      />
    );
  }
  return <DashboardView api={api} onUnauthorized={onUnauthorized} onLogout={() => logout(null)} />;
}

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<App />, root);
}
