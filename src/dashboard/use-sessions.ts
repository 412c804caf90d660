import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, type ApiClient } from './api-client.ts';
import { openEventStream, type StreamState } from './event-stream.ts';
import { QrTimings, type QrSighting } from './qr-timing.ts';
import type { ConnectionStatus, GatewayEvent, Session } from './types.ts';

/** lastSeenAt moves without events; the list is reread this often as well. */
const RELOAD_INTERVAL_MS = 15_000;

export interface SessionsState {
  sessions: Session[];
  qrSightings: ReadonlyMap<string, QrSighting>;
  streamState: StreamState;
  /** Bumped on every status change of a session: its history and deliveries are reread then. */
  statusChanges: ReadonlyMap<string, number>;
  reload: () => Promise<void>;
  /** Merge a session answer (a basic one keeps the known userInfo). */
  upsert: (session: Session) => void;
  drop: (sessionId: string) => void;
  error: string | null;
}

/** The session list, kept live from `GET /events` and refreshed per session when its status changes. */
export function useSessions(api: ApiClient, onUnauthorized: () => void): SessionsState {
  const [byId, setById] = useState<ReadonlyMap<string, Session>>(new Map());
  const [qrSightings, setQrSightings] = useState<ReadonlyMap<string, QrSighting>>(new Map());
  const [statusChanges, setStatusChanges] = useState<ReadonlyMap<string, number>>(new Map());
  const [streamState, setStreamState] = useState<StreamState>('connecting');
  const [error, setError] = useState<string | null>(null);
  const timings = useRef(new QrTimings());

  const upsert = useCallback((session: Session) => {
    setById((current) => {
      const next = new Map(current);
      const known = current.get(session.sessionId);
      next.set(session.sessionId, {
        ...session,
        userInfo: 'userInfo' in session ? session.userInfo : (known?.userInfo ?? null),
      });
      return next;
    });
  }, []);
  const drop = useCallback((sessionId: string) => {
    setById((current) => {
      const next = new Map(current);
      next.delete(sessionId);
      return next;
    });
  }, []);

  const reload = useCallback(async () => {
    try {
      const list = await api.sessions();
      setById(new Map(list.map((session) => [session.sessionId, session])));
      setError(null);
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401) setError(err instanceof Error ? err.message : String(err));
    }
  }, [api]);

  const refreshOne = useCallback(
    async (sessionId: string) => {
      try {
        upsert(await api.session(sessionId));
      } catch (err) {
        if (err instanceof ApiError && err.code === 'SESSION_NOT_FOUND') drop(sessionId);
      }
    },
    [api, upsert, drop],
  );

  useEffect(() => {
    const onEvent = (event: GatewayEvent) => {
      const { sessionId } = event;
      if (event.type === 'session.status') {
        setStatusChanges((current) => new Map(current).set(sessionId, (current.get(sessionId) ?? 0) + 1));
        const connectionStatus = event.data.connectionStatus as ConnectionStatus;
        timings.current.status(sessionId, connectionStatus);
        setById((current) => {
          const known = current.get(sessionId);
          if (!known) return current;
          return new Map(current).set(sessionId, { ...known, connectionStatus, status: String(event.data.status) });
        });
        void refreshOne(sessionId);
      } else if (event.type === 'session.qr' && typeof event.data.qr === 'string') {
        const sighting = timings.current.qr(sessionId, event.data.qr, event.timestamp);
        setQrSightings((current) => new Map(current).set(sessionId, sighting));
      }
    };
    const close = openEventStream({
      key: api.key,
      onEvent,
      onUnauthorized,
      onState: (state) => {
        setStreamState(state);
        // Whatever happened while the stream was down is read afresh.
        if (state === 'open') void reload();
      },
    });
    // The list does not wait for the stream: it loads now, and again on every (re)connection.
    void reload();
    const timer = setInterval(() => void reload(), RELOAD_INTERVAL_MS);
    return () => {
      close();
      clearInterval(timer);
    };
  }, [api, reload, refreshOne, onUnauthorized]);

  const sessions = useMemo(() => [...byId.values()].sort((a, b) => a.sessionId.localeCompare(b.sessionId)), [byId]);
  return { sessions, qrSightings, streamState, statusChanges, reload, upsert, drop, error };
}
