import type { Kysely, Selectable } from 'kysely';
import type { WebhookEndpoint, WebhookEndpointStore } from '../../events/event-store.ts';
import type { EventType } from '../../events/event-types.ts';
import type { RowCipher } from '../row-cipher.ts';
import type { DatabaseSchema, WebhookEndpointsTable } from '../schema.ts';
import { endpointIdentity } from './sealed-columns.ts';

export const GLOBAL_ENDPOINT_ID = 'global';
const sessionEndpointId = (sessionId: string): string => `session:${sessionId}`;

function toEndpoint(row: Selectable<WebhookEndpointsTable>, cipher: RowCipher): WebhookEndpoint {
  return {
    id: row.id,
    sessionId: row.session_id,
    url: row.url,
    secret: cipher.open(endpointIdentity(row.id), row.secret),
    events: row.events === null ? null : (JSON.parse(row.events) as EventType[]),
    enabled: Number(row.enabled) === 1,
    disabledReason: row.disabled_reason,
    disabledAt: row.disabled_at === null ? null : new Date(row.disabled_at),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

/** Fails the pending deliveries of an endpoint that is going away; they stay listed and retryable. */
async function failPending(db: Kysely<DatabaseSchema>, endpointId: string, reason: string): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ status: 'failed', last_error: reason })
    .where('endpoint_id', '=', endpointId)
    .where('status', '=', 'pending')
    .execute();
}

/**
 * Part of deleting a session (in its transaction): its webhook and every delivery row of that webhook go,
 * so a new session with the same id starts without them. Its events' deliveries to the global endpoint stay.
 */
export async function deleteSessionWebhook(db: Kysely<DatabaseSchema>, sessionId: string): Promise<void> {
  const id = sessionEndpointId(sessionId);
  await db.deleteFrom('webhook_deliveries').where('endpoint_id', '=', id).execute();
  await db.deleteFrom('webhook_endpoints').where('id', '=', id).execute();
}

/** Webhook endpoints: one per session plus the global one from config (cold queries, both dialects). */
export function webhookEndpointQueries(db: Kysely<DatabaseSchema>, cipher: RowCipher): WebhookEndpointStore {
  const upsert = async (id: string, sessionId: string | null, url: string, secret: string, events: string | null) => {
    const now = new Date().toISOString();
    const sealed = cipher.seal(endpointIdentity(id), secret);
    const fresh = {
      url,
      secret: sealed,
      events,
      enabled: 1,
      disabled_reason: null,
      disabled_at: null,
      failure_count: 0,
      failing_since: null,
      updated_at: now,
    };
    return db
      .insertInto('webhook_endpoints')
      .values({ id, session_id: sessionId, created_at: now, ...fresh })
      .onConflict((oc) => oc.column('id').doUpdateSet(fresh))
      .returningAll()
      .executeTakeFirstOrThrow();
  };

  return {
    async findForSession(sessionId) {
      const row = await db
        .selectFrom('webhook_endpoints')
        .selectAll()
        .where('id', '=', sessionEndpointId(sessionId))
        .executeTakeFirst();
      return row && toEndpoint(row, cipher);
    },

    async putForSession(sessionId, settings) {
      const events = settings.events === null ? null : JSON.stringify(settings.events);
      const row = await upsert(sessionEndpointId(sessionId), sessionId, settings.url, settings.secret, events);
      return toEndpoint(row, cipher);
    },

    async removeForSession(sessionId) {
      const id = sessionEndpointId(sessionId);
      return db.transaction().execute(async (trx) => {
        const result = await trx.deleteFrom('webhook_endpoints').where('id', '=', id).executeTakeFirst();
        await failPending(trx, id, 'webhook deleted');
        return result.numDeletedRows > 0n;
      });
    },

    async syncGlobal(settings) {
      if (settings) {
        await upsert(GLOBAL_ENDPOINT_ID, null, settings.url, settings.secret, null);
        return;
      }
      await db.transaction().execute(async (trx) => {
        const result = await trx
          .deleteFrom('webhook_endpoints')
          .where('id', '=', GLOBAL_ENDPOINT_ID)
          .executeTakeFirst();
        if (result.numDeletedRows > 0n)
          await failPending(trx, GLOBAL_ENDPOINT_ID, 'WEBHOOK_URL is no longer configured');
      });
    },
  };
}
