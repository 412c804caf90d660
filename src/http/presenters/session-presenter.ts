import type { StatusHistoryEntry } from '../../sessions/session-record-store.ts';
import type { UserInfo } from '../../sessions/session-state.ts';
import type { SessionView } from '../../sessions/session-view.ts';

/**
 * A stored row's timestamps as ISO strings, formatted once per Date: rows are cached and read on every
 * request, and a write replaces the row (and its Date objects) rather than changing them.
 */
const isoStrings = new WeakMap<Date, string>();
function storedIso(date: Date): string {
  let text = isoStrings.get(date);
  if (text === undefined) {
    text = date.toISOString();
    isoStrings.set(date, text);
  }
  return text;
}

/** The seed's basic session object (the credentials object without `userInfo`), plus liveness fields. */
export function presentBasic(view: SessionView) {
  const { record } = view;
  return {
    id: record.id,
    sessionId: record.sessionId,
    status: record.status,
    createdAt: storedIso(record.createdAt),
    updatedAt: storedIso(record.updatedAt),
    isActive: view.isActive,
    isAuthenticated: view.isAuthenticated,
    startTime: view.startTime,
    connectionStatus: view.connectionStatus,
    lastSeenAt: view.lastSeenAt?.toISOString() ?? null,
    lastDisconnect: record.lastDisconnect,
  };
}

export function presentUserInfo(user: UserInfo | null) {
  if (!user) return null;
  return {
    phoneNumber: user.phoneNumber,
    name: user.name ?? '',
    jid: user.jid,
    platform: user.platform ?? '',
    registered: user.registered,
    lid: user.lid,
  };
}

/** The seed's credentials object: the basic fields, in the same order, then `userInfo`. */
export function presentCredentials(view: SessionView) {
  return { ...presentBasic(view), userInfo: presentUserInfo(view.record.userInfo) };
}

export function presentStatus(view: SessionView, history: StatusHistoryEntry[]) {
  const basic = presentBasic(view);
  return {
    sessionId: basic.sessionId,
    status: basic.status,
    connectionStatus: basic.connectionStatus,
    isActive: basic.isActive,
    isAuthenticated: basic.isAuthenticated,
    startTime: basic.startTime,
    lastSeenAt: basic.lastSeenAt,
    lastDisconnect: basic.lastDisconnect,
    history: history.map((entry) => ({ ...entry, at: entry.at.toISOString() })),
  };
}

/*
 * The JSON text of a view, made once per view object. The manager hands out the same frozen view
 * while nothing it shows has changed, so a read of an unchanged session serialises nothing.
 */
const basicTexts = new WeakMap<SessionView, string>();
const credentialsTexts = new WeakMap<SessionView, string>();

function memoised(texts: WeakMap<SessionView, string>, view: SessionView, present: (view: SessionView) => unknown): string {
  let text = texts.get(view);
  if (text === undefined) {
    text = JSON.stringify(present(view));
    texts.set(view, text);
  }
  return text;
}

/** `JSON.stringify(presentBasic(view))`, memoised per view. */
export const basicJson = (view: SessionView): string => memoised(basicTexts, view, presentBasic);
/** `JSON.stringify(presentCredentials(view))`, memoised per view. */
export const credentialsJson = (view: SessionView): string => memoised(credentialsTexts, view, presentCredentials);
