import { FillGuard } from '../../shared/fill-guard.ts';

/**
 * The Signal keys of one connection as the database holds them, absent keys included, bounded (least
 * recently used go first). Every send reads the contact's and our own devices' sessions and a privacy
 * token that usually does not exist; without this each of those is a query and a JSON revival.
 *
 * It is only correct because this process is the single writer of the session's keys, and only while
 * it is updated strictly after a commit. A read that raced a write must not fill it (`FillGuard`):
 * `fillToken()` before the read, `fill()` after it, and the fill is dropped if a write started or ended.
 * Values are shared, not cloned, as in Baileys' own `makeCacheableSignalKeyStore`.
 */
export class SignalKeyCache {
  readonly #max: number;
  readonly #entries = new Map<string, unknown>();
  readonly #guard = new FillGuard();

  constructor(maxEntries: number) {
    this.#max = maxEntries;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The value (or `null` for known absent), or `undefined` when the database must be asked. */
  get(type: string, id: string): unknown {
    const key = `${type}\u0000${id}`;
    const value = this.#entries.get(key);
    if (value !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  fillToken(): number {
    return this.#guard.token();
  }

  /** Stores what a read returned, unless a write started or ended since `token` was taken. */
  fill(token: number, type: string, id: string, value: unknown): void {
    if (this.#guard.mayFill(token)) this.#put(`${type}\u0000${id}`, value);
  }

  /** Call before writing to the database; pair it with `committed` or `failed`. */
  writing(): void {
    this.#guard.writeStarted();
  }

  /** The database now holds these values (`null` = deleted). */
  committed(entries: ReadonlyArray<readonly [type: string, id: string, value: unknown]>): void {
    this.#guard.writeEnded();
    for (const [type, id, value] of entries) this.#put(`${type}\u0000${id}`, value);
  }

  /** The write failed: forget these keys, so the next read asks the database what it really holds. */
  failed(entries: ReadonlyArray<readonly [type: string, id: string, value: unknown]>): void {
    this.#guard.writeEnded();
    for (const [type, id] of entries) this.#entries.delete(`${type}\u0000${id}`);
  }

  #put(key: string, value: unknown): void {
    this.#entries.delete(key);
    this.#entries.set(key, value ?? null);
    if (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value as string);
  }
}
