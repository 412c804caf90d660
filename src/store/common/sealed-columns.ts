import { rowIdentity, type RowCipher } from '../row-cipher.ts';

/**
 * Every column sealed at rest, with the columns that name its row: the associated data of a sealed
 * value is the table and those values, so a value copied into another row does not open. The
 * adapters seal and open through the helpers below; encryption in place and key rotation
 * (`encryption-at-rest.ts`) walk this list.
 */
export const SEALED_COLUMNS = [
  { table: 'auth_creds', column: 'creds', identity: ['session_id'] },
  { table: 'auth_keys', column: 'value', identity: ['session_id', 'type', 'key_id'] },
  { table: 'messages', column: 'payload', identity: ['session_id', 'message_id'] },
  { table: 'outbox_events', column: 'payload', identity: ['event_id'] },
  { table: 'webhook_endpoints', column: 'secret', identity: ['id'] },
] as const;

export type SealedColumn = (typeof SEALED_COLUMNS)[number];

export const credsIdentity = (sessionId: string): string => rowIdentity('auth_creds', sessionId);
export const keyIdentity = (sessionId: string, type: string, keyId: string): string =>
  rowIdentity('auth_keys', sessionId, type, keyId);
export const messageIdentity = (sessionId: string, messageId: string): string =>
  rowIdentity('messages', sessionId, messageId);
export const eventIdentity = (eventId: string): string => rowIdentity('outbox_events', eventId);
export const endpointIdentity = (endpointId: string): string => rowIdentity('webhook_endpoints', endpointId);

/** The associated data of a row of `sealed`, from its identity columns. */
export const identityOf = (sealed: SealedColumn, row: Record<string, unknown>): string =>
  rowIdentity(sealed.table, ...sealed.identity.map((name) => String(row[name])));

/** A key write with its value sealed (deletes stay null). */
export const sealKeyValue = (cipher: RowCipher, sessionId: string, type: string, id: string, value: string | null) =>
  value === null ? null : cipher.seal(keyIdentity(sessionId, type, id), value);
