import type { Scope } from './api-key-store.ts';

/** Who sent a request: the admin key (config) or one scoped key. */
export type Principal =
  | { readonly admin: true; readonly id: 'admin'; readonly rateLimitPerMinute: number | null }
  | {
      readonly admin: false;
      readonly id: string;
      readonly sessions: ReadonlySet<string> | '*';
      readonly scopes: ReadonlySet<Scope>;
      readonly rateLimitPerMinute: number;
    };

/** Whether `principal` may see `sessionId`; a session it may not see answers 404, as if it did not exist. */
export const canSeeSession = (principal: Principal, sessionId: string): boolean =>
  principal.admin || principal.sessions === '*' || principal.sessions.has(sessionId);

/** Whether `principal` holds `scope` (the admin key holds every scope). */
export const hasScope = (principal: Principal, scope: Scope): boolean => principal.admin || principal.scopes.has(scope);
