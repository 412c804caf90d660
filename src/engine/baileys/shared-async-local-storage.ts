import asyncHooks from 'node:async_hooks';
import { syncBuiltinESMExports } from 'node:module';

/*
 * Why this exists. Baileys creates one AsyncLocalStorage per socket (its key-store transactions) and
 * never disables it. On Node 20, every AsyncLocalStorage that has run once joins a process-wide list,
 * and the async hook walks that whole list for every promise and async resource created anywhere,
 * giving each one its own symbol-keyed property per storage. With N sessions (and every reconnect adds
 * a socket) each promise in the process costs O(N) time and memory: restores and linking slow down as
 * sessions grow, idle CPU climbs, and RSS per session balloons. Node 24's AsyncContextFrame removes
 * the list; Node 20 and 22 still have it.
 *
 * The fix keeps the AsyncLocalStorage API and semantics but backs every instance with ONE native
 * storage whose value is an immutable map from instance to store. Node's list then holds one entry
 * whatever the number of sockets, and an instance nobody references any more is just a dead map key.
 */

const Native = asyncHooks.AsyncLocalStorage;
type Stores = ReadonlyMap<object, unknown>;
const EMPTY: Stores = new Map();

/** The one native storage behind every instance created after install. */
const shared = new Native<Stores>();

/** AsyncLocalStorage with the Node API, multiplexed over one native storage. */
export class MultiplexedAsyncLocalStorage<T> {
  static bind<F extends (...args: never[]) => unknown>(fn: F): F {
    return Native.bind(fn);
  }

  static snapshot(): <R, A extends unknown[]>(fn: (...args: A) => R, ...args: A) => R {
    return Native.snapshot();
  }

  #disabled = false;

  getStore(): T | undefined {
    if (this.#disabled) return undefined;
    return (shared.getStore() ?? EMPTY).get(this) as T | undefined;
  }

  run<R, A extends unknown[]>(store: T, callback: (...args: A) => R, ...args: A): R {
    this.#disabled = false;
    return shared.run(this.#with(store), callback, ...args);
  }

  exit<R, A extends unknown[]>(callback: (...args: A) => R, ...args: A): R {
    const current = shared.getStore() ?? EMPTY;
    if (!current.has(this)) return callback(...args);
    const next = new Map(current);
    next.delete(this);
    return shared.run(next, callback, ...args);
  }

  enterWith(store: T): void {
    this.#disabled = false;
    shared.enterWith(this.#with(store));
  }

  /** Like Node's: getStore() answers undefined until the next run() or enterWith(). */
  disable(): void {
    this.#disabled = true;
  }

  #with(store: T): Stores {
    const next = new Map(shared.getStore() ?? EMPTY);
    next.set(this, store);
    return next;
  }
}

let installed = false;

/**
 * Makes `AsyncLocalStorage` from `node:async_hooks` (CommonJS and ESM imports alike) the multiplexed
 * class for every instance created from now on. Idempotent. Called before the first socket exists;
 * Baileys constructs its storage per socket, so instances made earlier are not an issue.
 */
export function installSharedAsyncLocalStorage(): void {
  if (installed) return;
  installed = true;
  (asyncHooks as { AsyncLocalStorage: unknown }).AsyncLocalStorage = MultiplexedAsyncLocalStorage;
  syncBuiltinESMExports();
}
