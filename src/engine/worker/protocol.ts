import type { Bindings } from 'pino';
import type { BaileysEngineOptions } from '../baileys/baileys-engine.ts';
import type { EngineEvent } from '../engine.ts';

/**
 * What the gateway and an engine worker say to each other (see `worker-engine.ts`). Calls from the
 * gateway drive connections; calls from the worker reach the gateway's stores; notes carry events.
 */

/** Everything a worker needs to build its Baileys engine; plain data (it crosses as `workerData`). */
export interface EngineWorkerSetup {
  wsUrl?: string | undefined;
  /** Hex of the 32-byte Noise root public key to trust (simulator only). */
  rootPublicKeyHex?: string | undefined;
  socketConfig: NonNullable<BaileysEngineOptions['socketConfig']>;
  logLevel: string;
}

export interface ConnectArgs {
  connId: number;
  sessionId: string;
  /** The session logger's bindings and level, rebuilt on a logger of the worker's own. */
  bindings: Bindings;
  level: string;
}

/** EngineConnection methods a gateway may call on a worker's connection. */
export const CONNECTION_METHODS = [
  'close',
  'logout',
  'requestPairingCode',
  'sendMessage',
  'markRead',
  'sendPresence',
  'lookupContact',
  'downloadMedia',
] as const;
export type ConnectionMethod = (typeof CONNECTION_METHODS)[number];

export interface ConnectionCallArgs {
  connId: number;
  method: ConnectionMethod;
  args: unknown[];
}

/** A connection's event, with the time of its last frame then (the gateway reads that synchronously). */
export interface EventNote {
  connId: number;
  event: EngineEvent;
  lastSeenAt: number | null;
}

/** Last-frame times that changed since the previous note, by connection. */
export type SeenNote = Array<[connId: number, lastSeenAt: number]>;

/** Ops the worker answers. */
export const WORKER_OPS = { connect: 'connect', call: 'call', readUser: 'readUser', wipe: 'wipe' } as const;
/** Ops the gateway answers (its stores). */
export const STORE_OPS = {
  readCreds: 'auth.readCreds',
  writeCreds: 'auth.writeCreds',
  readKeys: 'auth.readKeys',
  writeKeys: 'auth.writeKeys',
  clear: 'auth.clear',
  saveMessage: 'messages.save',
  findMessage: 'messages.find',
} as const;
/** Notes the worker sends. */
export const NOTES = { event: 'event', seen: 'seen' } as const;

/** Structured clone turns a Buffer into a plain Uint8Array; this makes it a Buffer again (no copy). */
export function asBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
