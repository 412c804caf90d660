/**
 * Why the auth and timing hooks are route-level hooks, added when each route is registered (onRoute):
 * a hook added there closes over what its route needs (the key's access, the route's duration cells).
 * An application-level hook would have to read them from `request.routeOptions`, which builds a new
 * object of thirteen fields on every read; two reads per request cost about 1 µs of a credentials
 * read's ~30 µs (docs/benchmarks.md). Requests that match no route run no route's hooks, so each of
 * those plugins keeps one application-level hook that acts only when `request.is404`.
 */

/** A route's own hooks of one kind as an array: route options allow one function, an array or none. */
export function routeHooks<H>(hooks: H | H[] | undefined): H[] {
  if (hooks === undefined) return [];
  return Array.isArray(hooks) ? hooks : [hooks];
}
