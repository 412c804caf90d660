import { Type, type TSchema } from '@sinclair/typebox';

/** The seed's success envelope for one object. */
export const ItemEnvelope = <T extends TSchema>(data: T) =>
  Type.Object({ success: Type.Literal(true), message: Type.String(), data });

/** The seed's success envelope for a list, with `count`. */
export const ListEnvelope = <T extends TSchema>(item: T) =>
  Type.Object({ success: Type.Literal(true), message: Type.String(), data: Type.Array(item), count: Type.Integer() });

/** The seed's error envelope; `code` is our machine-readable addition. */
export const ErrorEnvelope = Type.Object(
  {
    success: Type.Literal(false),
    message: Type.String(),
    error: Type.Optional(Type.String()),
    code: Type.Optional(Type.String()),
  },
  { $id: 'ErrorEnvelope' },
);

/** 403: a scoped key without the route's scope (or an admin-only route); 429: over a rate limit, with Retry-After. */
export const errorResponses = {
  400: ErrorEnvelope,
  401: ErrorEnvelope,
  403: ErrorEnvelope,
  404: ErrorEnvelope,
  409: ErrorEnvelope,
  429: ErrorEnvelope,
  500: ErrorEnvelope,
} as const;

/** Routes that call WhatsApp also answer 502 (an upstream failure, cause in `error`) and 504 (no answer in time). */
export const upstreamErrorResponses = {
  ...errorResponses,
  502: ErrorEnvelope,
  504: ErrorEnvelope,
} as const;
