import type { Logger } from 'pino';
import type { SessionEvent } from '../sessions/session-events.ts';
import type { EventPublisher } from './event-types.ts';

type SessionLevelEvent = Extract<SessionEvent, { type: 'session.status' | 'session.qr' }>;

/** The event data published for a session event (see docs/webhooks.md). */
export function sessionEventData(event: SessionLevelEvent): Record<string, unknown> {
  if (event.type === 'session.qr') return { qr: event.qr };
  return { connectionStatus: event.connectionStatus, status: event.status, reason: event.reason };
}

/**
 * A session-manager listener that publishes `session.status` and `session.qr`; message events are the
 * messaging layer's to publish, with their own payloads. Failures are logged.
 */
export function publishSessionEvents(publisher: EventPublisher, logger: Logger): (event: SessionEvent) => void {
  return (event) => {
    if (event.type !== 'session.status' && event.type !== 'session.qr') return;
    publisher.publish(event.sessionId, event.type, sessionEventData(event)).catch((err: unknown) => {
      logger.error(
        { err, sessionId: event.sessionId, type: event.type },
        'could not store a session event in the outbox',
      );
    });
  };
}
