import type { CloseKind, Engine, EngineConnection } from '../engine/engine.ts';
import type { IncomingType, OutgoingContent } from '../engine/messaging-types.ts';

/** What the metrics learn from the engine port. */
export interface EngineMeter {
  messageSent(kind: OutgoingContent['kind']): void;
  messageReceived(type: IncomingType): void;
  connectionClosed(kind: CloseKind): void;
}

/** A connection that reports each send WhatsApp took; everything else is passed through. */
function meteredConnection(connection: EngineConnection, meter: EngineMeter): EngineConnection {
  return {
    lastSeenAt: () => connection.lastSeenAt(),
    close: () => connection.close(),
    logout: () => connection.logout(),
    requestPairingCode: (phoneNumber) => connection.requestPairingCode(phoneNumber),
    async sendMessage(message) {
      const sent = await connection.sendMessage(message);
      meter.messageSent(message.content.kind);
      return sent;
    },
    markRead: (messageId) => connection.markRead(messageId),
    sendPresence: (to, state) => connection.sendPresence(to, state),
    lookupContact: (phoneNumber) => connection.lookupContact(phoneNumber),
    downloadMedia: (messageId) => connection.downloadMedia(messageId),
  };
}

/**
 * The engine as the session layer sees it, with the metrics listening at the port: sends that resolved,
 * received messages and classified closes. Sessions and the adapters stay unaware of metrics.
 */
export function meterEngine(engine: Engine, meter: EngineMeter): Engine {
  return {
    capabilities: engine.capabilities,
    readUser: (sessionId) => engine.readUser(sessionId),
    wipe: (sessionId) => engine.wipe(sessionId),
    connect(options) {
      const connection = engine.connect({
        ...options,
        listener: (event) => {
          if (event.type === 'message') meter.messageReceived(event.message.type);
          else if (event.type === 'close') meter.connectionClosed(event.kind);
          options.listener(event);
        },
      });
      return meteredConnection(connection, meter);
    },
  };
}
