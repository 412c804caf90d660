import type { Logger } from 'pino';
import type { EventPublisher } from '../events/event-types.ts';
import type { SessionEvent } from '../sessions/session-events.ts';

/**
 * A session-manager listener that publishes `message.received` (the normalised message as `data`) and
 * `message.status` (`{messageId, chatId, status}`, plus `error` with `failed`). Failures to reach the outbox are logged.
 */
export function publishMessageEvents(publisher: EventPublisher, logger: Logger): (event: SessionEvent) => void {
  return (event) => {
    let published;
    if (event.type === 'message.received') {
      published = publisher.publish(event.sessionId, 'message.received', { ...event.message });
    } else if (event.type === 'message.status') {
      const { messageId, chatId, status, error } = event;
      published = publisher.publish(event.sessionId, 'message.status', {
        messageId,
        chatId,
        status,
        ...(error !== undefined && { error }),
      });
    } else return;
    published.catch((err: unknown) => {
      logger.error(
        { err, sessionId: event.sessionId, type: event.type },
        'could not store a message event in the outbox',
      );
    });
  };
}
