import type { FastifyReply } from 'fastify';
import type { SessionReadModel } from '../../sessions/session-read-model.ts';
import type { StatusHistoryEntry } from '../../sessions/session-record-store.ts';
import type { UserInfo } from '../../sessions/session-state.ts';
import type { SessionView } from '../../sessions/session-view.ts';
import { SessionBasicSchema, SessionCredentialsSchema } from '../schemas/session-schemas.ts';
import { itemEnvelopeText } from './envelope-text.ts';

/** The seed's basic session object (the credentials object without `userInfo`), plus liveness fields. */
export function presentBasic(view: SessionView) {
  const { record } = view;
  return {
    id: record.id,
    sessionId: record.sessionId,
    status: record.status,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
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

const SHAPES = {
  basic: { schema: SessionBasicSchema, present: presentBasic },
  credentials: { schema: SessionCredentialsSchema, present: presentCredentials },
} as const;
export type ViewShape = keyof typeof SHAPES;

/**
 * A view's JSON as the route's compiled serialiser writes it (fast-json-stringify, compiled from the
 * schema, so a field outside the schema never reaches the wire), made once per view and kept with it in
 * the read model: a read of an unchanged session serialises nothing.
 */
export function viewJson(reads: SessionReadModel, reply: FastifyReply, view: SessionView, shape: ViewShape): string {
  return reads.text(view, shape, () => serialiseView(reply, view, shape));
}

/** One item route's answer: the view's shape and the envelope's fixed message around it. */
export interface ItemAnswer {
  readonly shape: ViewShape;
  /** Its key among the texts the read model keeps with a view. */
  readonly kind: string;
  readonly wrap: (dataJson: string) => string;
}

export function itemAnswer(shape: ViewShape, message: string): ItemAnswer {
  return { shape, kind: `${shape} item: ${message}`, wrap: itemEnvelopeText(message) };
}

/**
 * The whole answer's text (the envelope around `viewJson`), kept with the view like its JSON: an item
 * read of an unchanged session sends a string made once. A string joined per request must be flattened
 * again before Node can count its bytes: about 1.3 µs of a read's ~30 µs (docs/benchmarks.md).
 */
export function itemText(reads: SessionReadModel, reply: FastifyReply, view: SessionView, answer: ItemAnswer): string {
  return reads.text(view, answer.kind, () => answer.wrap(viewJson(reads, reply, view, answer.shape)));
}

/** The view presented as `shape`, serialised by the serialiser Fastify compiles for that schema. */
export function serialiseView(reply: FastifyReply, view: SessionView, shape: ViewShape): string {
  const { schema, present } = SHAPES[shape];
  return reply.compileSerializationSchema(schema)(present(view));
}
