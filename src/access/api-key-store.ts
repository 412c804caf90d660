/** What a scoped API key may do in a session it covers. */
export const SCOPES = ['read', 'send', 'manage'] as const;
export type Scope = (typeof SCOPES)[number];

/** The sessions a scoped key covers: a list of ids, or every session (`*`). */
export type SessionGrant = readonly string[] | '*';

/** A scoped API key as stored: its secret only as a hash. */
export interface ApiKeyRecord {
  readonly id: string;
  readonly name: string;
  readonly sessions: SessionGrant;
  readonly scopes: readonly Scope[];
  /** null: the configured default (RATE_LIMIT_PER_MINUTE). */
  readonly rateLimitPerMinute: number | null;
  readonly createdAt: Date;
  /** SHA-256 of the whole key, hex. */
  readonly secretHash: string;
}

/** The port of the scoped keys' table (store/common/api-key-queries.ts implements it on both dialects). */
export interface ApiKeyStore {
  insert(record: ApiKeyRecord): Promise<void>;
  find(id: string): Promise<ApiKeyRecord | undefined>;
  /** Oldest first. */
  list(): Promise<ApiKeyRecord[]>;
  /** false when there was no such key. */
  remove(id: string): Promise<boolean>;
}
