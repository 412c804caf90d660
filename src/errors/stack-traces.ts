/**
 * Turns off source-mapped stack traces, which tsx turns on for the whole process, unless the process was
 * started with `--enable-source-maps` (on the command line or in NODE_OPTIONS). Returns whether they
 * are on afterwards.
 *
 * Baileys reads `new Error().stack` for every frame it sends and every query it waits on (a debug aid in
 * its promiseTimeout), so a text costs five or so stack captures; mapping each frame of those through the
 * source maps was about 5 % of the gateway's CPU per sent text (Node's docs warn about exactly this).
 * Without it, logged stacks point into tsx's compiled output: same files and functions, other lines.
 */
export function limitSourceMappedStacks(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env.NODE_OPTIONS ?? '',
): boolean {
  if (execArgv.includes('--enable-source-maps') || nodeOptions.split(/\s+/).includes('--enable-source-maps'))
    return true;
  process.setSourceMapsEnabled(false);
  return false;
}
