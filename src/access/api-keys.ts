import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors/app-error.ts';
import { FillGuard } from '../shared/fill-guard.ts';
import type { ApiKeyRecord, ApiKeyStore, Scope, SessionGrant } from './api-key-store.ts';
import type { Principal } from './principal.ts';

export interface ApiKeysOptions {
  store: ApiKeyStore;
  /** Constant-time check of the admin key (config/api-key.ts). */
  verifyAdminKey: (presented: string) => boolean;
  /** Requests per minute of a key created without `rateLimitPerMinute`. */
  defaultRateLimitPerMinute: number;
  /** Requests per minute of the admin key; null: unlimited. */
  adminRateLimitPerMinute: number | null;
}

export interface NewApiKey {
  name: string;
  sessions: SessionGrant;
  scopes: readonly Scope[];
  rateLimitPerMinute?: number;
}

/** A scoped key as the API shows it: everything but the secret. */
export type ApiKeyInfo = Omit<ApiKeyRecord, 'secretHash'>;

/**
 * `wgk_<16 hex id>_<43 base64url chars of secret>`: the prefix makes a leaked key easy to find in a scan,
 * and the id makes the lookup one primary-key read, never a scan over hashes.
 */
const KEY_PATTERN = /^wgk_([0-9a-f]{16})_[A-Za-z0-9_-]{43}$/;

/**
 * SHA-256 of the whole key. The secret is 32 random bytes, so a slow password hash would add nothing: no
 * dictionary or brute force reaches 2^256. The hash only keeps a database dump from being a list of keys.
 */
const hashKey = (key: string): Buffer => createHash('sha256').update(key).digest();

const info = ({ secretHash: _secretHash, ...rest }: ApiKeyRecord): ApiKeyInfo => rest;

/** Scoped API keys: create, list, revoke, and the authentication of every request's key. */
export class ApiKeys {
  readonly #options: ApiKeysOptions;
  readonly #admin: Principal;
  /**
   * Found keys by id, so a request does not read the database. Never a miss (an attacker could fill it).
   * Entries leave only in #invalidate: issue 16's cross-node revocation calls it on every node.
   */
  readonly #cache = new Map<string, { principal: Principal; hash: Buffer }>();
  readonly #guard = new FillGuard();

  constructor(options: ApiKeysOptions) {
    this.#options = options;
    this.#admin = Object.freeze({ admin: true, id: 'admin', rateLimitPerMinute: options.adminRateLimitPerMinute });
  }

  async create(input: NewApiKey): Promise<ApiKeyInfo & { key: string }> {
    const id = randomBytes(8).toString('hex');
    const key = `wgk_${id}_${randomBytes(32).toString('base64url')}`;
    const sessions = input.sessions === '*' ? '*' : [...new Set(input.sessions)];
    const record: ApiKeyRecord = {
      id,
      name: input.name,
      sessions,
      scopes: [...new Set(input.scopes)],
      rateLimitPerMinute: input.rateLimitPerMinute ?? null,
      createdAt: new Date(),
      secretHash: hashKey(key).toString('hex'),
    };
    await this.#options.store.insert(record);
    return { ...info(record), key };
  }

  async list(): Promise<ApiKeyInfo[]> {
    return (await this.#options.store.list()).map(info);
  }

  /** Revoked at once: the next request with the key answers 401. */
  async revoke(id: string): Promise<void> {
    this.#guard.writeStarted();
    try {
      if (!(await this.#options.store.remove(id))) throw new AppError('API_KEY_NOT_FOUND');
    } finally {
      this.#invalidate(id);
      this.#guard.writeEnded();
    }
  }

  /**
   * The principal behind a presented key, or undefined for a wrong one. The admin key and cached keys
   * answer without a promise; a scoped key's first use reads its row.
   */
  authenticate(presented: string): Principal | undefined | Promise<Principal | undefined> {
    const match = KEY_PATTERN.exec(presented);
    if (!match) return this.#options.verifyAdminKey(presented) ? this.#admin : undefined;
    const id = match[1]!;
    const cached = this.#cache.get(id);
    if (cached) return timingSafeEqual(cached.hash, hashKey(presented)) ? cached.principal : undefined;
    return this.#load(id, presented);
  }

  async #load(id: string, presented: string): Promise<Principal | undefined> {
    const token = this.#guard.token();
    const record = await this.#options.store.find(id);
    const hash = record && Buffer.from(record.secretHash, 'hex');
    // A damaged hash never matches (and never reaches timingSafeEqual, which needs equal lengths).
    if (!record || hash?.length !== 32) return undefined;
    const entry = { principal: this.#principal(record), hash };
    if (this.#guard.mayFill(token)) this.#cache.set(id, entry);
    return timingSafeEqual(entry.hash, hashKey(presented)) ? entry.principal : undefined;
  }

  #principal(record: ApiKeyRecord): Principal {
    return Object.freeze({
      admin: false,
      id: record.id,
      sessions: record.sessions === '*' ? '*' : new Set(record.sessions),
      scopes: new Set(record.scopes),
      rateLimitPerMinute: record.rateLimitPerMinute ?? this.#options.defaultRateLimitPerMinute,
    });
  }

  /** The one place a cached key is dropped (issue 16: a revocation on another node arrives here too). */
  #invalidate(id: string): void {
    this.#cache.delete(id);
  }
}
