import type { Logger } from 'pino';
import { AppError } from '../../errors/app-error.ts';
import type { Engine, EngineConnection } from '../engine.ts';
import type { OutgoingMessage } from '../messaging-types.ts';
import {
  asBuffer,
  CONNECTION_METHODS,
  NOTES,
  WORKER_OPS,
  type ConnectArgs,
  type ConnectionCallArgs,
  type EventNote,
  type SeenNote,
} from './protocol.ts';
import type { RpcChannel } from './rpc.ts';

/** How often a worker reports last-frame times that changed (events carry theirs as well). */
const SEEN_NOTE_INTERVAL_MS = 1_000;

interface Hosted {
  /** Unset only while `engine.connect` runs (its listener may already be called). */
  connection?: EngineConnection;
  reportedSeenAt: number | null;
}

/** A media send crossed as a Uint8Array; Baileys wants a Buffer. */
function restoreBuffers(message: OutgoingMessage): OutgoingMessage {
  const { content } = message;
  return 'data' in content ? { ...message, content: { ...content, data: asBuffer(content.data) } } : message;
}

/**
 * The worker side: serves an engine's connections over a channel. Connections are numbered by the
 * gateway; every event goes back as a note, and last-frame times follow at most once a second.
 */
export function hostEngine(channel: RpcChannel, engine: Engine, logger: Logger): void {
  const hosted = new Map<number, Hosted>();

  channel.handle<ConnectArgs, void>(WORKER_OPS.connect, ({ connId, sessionId, bindings, level }) => {
    const entry: Hosted = { reportedSeenAt: null };
    hosted.set(connId, entry);
    entry.connection = engine.connect({
      sessionId,
      logger: logger.child(bindings, { level }),
      listener: (event) => {
        const lastSeenAt = entry.connection?.lastSeenAt() ?? null;
        entry.reportedSeenAt = lastSeenAt;
        channel.notify(NOTES.event, { connId, event, lastSeenAt } satisfies EventNote);
        if (event.type === 'close') hosted.delete(connId);
      },
    });
  });

  channel.handle<ConnectionCallArgs, unknown>(WORKER_OPS.call, ({ connId, method, args }) => {
    if (!CONNECTION_METHODS.includes(method)) throw new Error(`not a connection method: ${String(method)}`);
    const connection = hosted.get(connId)?.connection;
    if (!connection) {
      if (method === 'close' || method === 'logout') return undefined;
      throw new AppError('SESSION_NOT_AUTHENTICATED', 'the connection is closed');
    }
    if (method === 'sendMessage') return connection.sendMessage(restoreBuffers(args[0] as OutgoingMessage));
    return (connection[method] as (...a: unknown[]) => unknown).apply(connection, args);
  });

  channel.handle<{ sessionId: string }, unknown>(WORKER_OPS.readUser, ({ sessionId }) => engine.readUser(sessionId));
  channel.handle<{ sessionId: string }, void>(WORKER_OPS.wipe, ({ sessionId }) => engine.wipe(sessionId));

  const timer = setInterval(() => {
    const changed: SeenNote = [];
    for (const [connId, entry] of hosted) {
      const seen = entry.connection?.lastSeenAt() ?? null;
      if (seen !== null && seen !== entry.reportedSeenAt) {
        entry.reportedSeenAt = seen;
        changed.push([connId, seen]);
      }
    }
    if (changed.length > 0) channel.notify(NOTES.seen, changed);
  }, SEEN_NOTE_INTERVAL_MS);
  timer.unref();
}
