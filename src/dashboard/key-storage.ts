/** The API key lives in this tab's sessionStorage only: never in a URL, a cookie or localStorage. */
const STORAGE_KEY = 'wagate.apiKey';

export function storedKey(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function storeKey(key: string | null): void {
  try {
    if (key === null) sessionStorage.removeItem(STORAGE_KEY);
    else sessionStorage.setItem(STORAGE_KEY, key);
  } catch {
    // Storage refused (private mode): the key then lives only as long as the page.
  }
}
