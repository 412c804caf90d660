import { Type, type Static, type TSchema } from '@sinclair/typebox';

/*
 * Schema builders shared by the route schemas. Both avoid `anyOf`: fast-json-stringify serialises
 * an `anyOf` by validating each branch against the value on every response, while `nullable` and a
 * string `enum` are written directly. Both are OpenAPI 3.0 keywords, so /openapi.json stays exact.
 */

/** `T | null`, as OpenAPI 3.0's `nullable: true`. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Unsafe<Static<T> | null>({ ...schema, nullable: true });

/** One of a fixed list of strings, as a string `enum`. */
export const StringEnum = <const T extends readonly string[]>(values: T, options: { description?: string } = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
