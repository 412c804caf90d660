/**
 * "Drop the fill if a write raced it", for a cache in front of the database that this process alone
 * writes to: a read that began before a write ended may hold the old answer, so it must not fill the
 * cache. Take `token()` before the read and fill only if `mayFill(token)` after it; bracket every write
 * with `writeStarted()` and `writeEnded()`. Used by the Signal key cache and the session read model.
 */
export class FillGuard {
  #writes = 0;

  /** Take before reading the database for a fill. */
  token(): number {
    return this.#writes;
  }

  /** After the read: true when no write started or ended since `token`, so its answer may be cached. */
  mayFill(token: number): boolean {
    return token === this.#writes;
  }

  /** Call before a write goes to the database. */
  writeStarted(): void {
    this.#writes++;
  }

  /** Call when it has ended, committed or failed. */
  writeEnded(): void {
    this.#writes++;
  }
}
