import { AppError } from '../errors/app-error.ts';

const SESSION_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** Path segments the seed uses for its list endpoints; a session with these ids would be unreachable. */
const RESERVED = new Set(['connected', 'all']);

/** Throws INVALID_SESSION_ID or RESERVED_SESSION_ID; returns the id unchanged when it is allowed. */
export function assertValidSessionId(sessionId: unknown): string {
  if (typeof sessionId !== 'string' || !SESSION_ID.test(sessionId)) {
    throw new AppError('INVALID_SESSION_ID', 'sessionId must match ^[A-Za-z0-9_-]{1,64}$');
  }
  if (RESERVED.has(sessionId)) throw new AppError('RESERVED_SESSION_ID', `"${sessionId}" is reserved`);
  return sessionId;
}
