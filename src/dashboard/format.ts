import type { Session } from './types.ts';

/** "just now" (under 5 s), "12 s ago", "3 min ago", "5 h ago", "2 d ago"; "never" without a time. */
export function relativeTime(iso: string | null | undefined, now: number): string {
  if (!iso) return 'never';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return 'unknown';
  const seconds = Math.round((now - at) / 1000);
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}

/** Does the session match the search text, by id, phone number or name (case-insensitive)? */
export function matchesSearch(session: Session, query: string): boolean {
  const needle = query.trim().toLowerCase();
  if (!needle) return true;
  const haystack = [session.sessionId, session.userInfo?.phoneNumber ?? '', session.userInfo?.name ?? ''];
  return haystack.some((field) => field.toLowerCase().includes(needle));
}

/** The seed's health check (use case 4): total, active and authenticated sessions. */
export function healthCounts(sessions: readonly Session[]): { total: number; active: number; authenticated: number } {
  return {
    total: sessions.length,
    active: sessions.filter((session) => session.isActive).length,
    authenticated: sessions.filter((session) => session.isAuthenticated).length,
  };
}

/** The last disconnect as one line: "connection lost (428)". */
export function disconnectText(session: Session): string {
  const last = session.lastDisconnect;
  if (!last) return 'none';
  return last.code === null ? last.reason : `${last.reason} (${last.code})`;
}
