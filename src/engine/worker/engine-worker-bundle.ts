import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, stop as stopEsbuild, type Plugin } from 'esbuild';

/*
 * Why this exists. Node 20 worker threads do not inherit the gateway's `--import tsx`, so a thread that runs the
 * engine from source must register tsx again, with a loader thread of its own: each engine thread then held
 * 85–94 MiB. Compiled to plain JavaScript, a thread needs no loader at all (docs/benchmarks.md, restore section).
 * Only the thread's own code is compiled, here, when the gateway starts its engine threads: the main thread keeps
 * running from source, and packages (Baileys and the rest) load from node_modules, as they would from source.
 */

const ENTRY = fileURLToPath(new URL('./engine-worker.ts', import.meta.url));
/**
 * Must run before Baileys loads, but esbuild hoists every package import of a bundle above the bundle's own
 * code. So this module is compiled to a file of its own, which the bundle imports first.
 */
const PRELUDE = fileURLToPath(new URL('../baileys/protobuf-oneof-getter.ts', import.meta.url));
const PRELUDE_FILE = 'protobuf-oneof-getter.mjs';

/**
 * The bundle lives in a private temporary directory, where bare imports would not find node_modules: each one is
 * rewritten to the file Node resolves it to from here (every source file resolves packages from the same root).
 */
const packagesByNodeResolution: Plugin = {
  name: 'packages-by-node-resolution',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^[^./]/ }, ({ path }) =>
      isBuiltin(path) ? { path, external: true } : { path: import.meta.resolve(path), external: true },
    );
    pluginBuild.onResolve({ filter: /protobuf-oneof-getter\.ts$/ }, ({ path, resolveDir, kind }) =>
      kind !== 'entry-point' && join(resolveDir, path) === PRELUDE
        ? { path: `./${PRELUDE_FILE}`, external: true }
        : undefined,
    );
  },
};

/** The engine thread's code on disk (its module and the oneof getter it imports first); `remove()` deletes it. */
export interface EngineWorkerBundle {
  readonly url: URL;
  remove(): void;
}

/**
 * Compiles `engine-worker.ts` and the gateway modules it imports into one ES module (about 40 KB, a fraction of a
 * second), with the oneof getter beside it as a file of its own. Asynchronous on purpose: esbuild's synchronous API
 * keeps a worker thread of its own alive in the caller.
 */
export async function buildEngineWorkerBundle(): Promise<EngineWorkerBundle> {
  // esbuild keeps its service process (~16 MiB) for further builds; the gateway builds once, so it is stopped. A later
  // build in this thread starts a new one, but one running meanwhile would fail: build before any other esbuild use.
  const result = await build({
    entryPoints: { 'engine-worker': ENTRY, 'protobuf-oneof-getter': PRELUDE },
    outdir: '/',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    plugins: [packagesByNodeResolution],
    // `createRequire(import.meta.url)` in a bundled module resolves as it would from the source tree.
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(ENTRY).href) },
  }).finally(stopEsbuild);
  const outputs = new Map(result.outputFiles.map((output) => [basename(output.path), output.contents]));
  if (!outputs.has('engine-worker.mjs') || !outputs.has(PRELUDE_FILE)) {
    throw new Error('esbuild did not write both engine-thread files');
  }
  // mkdtemp: a fresh directory only this user can write, so no one can plant code where the threads load it.
  const dir = mkdtempSync(join(tmpdir(), 'wagate-engine-'));
  for (const [name, contents] of outputs) writeFileSync(join(dir, name), contents, { mode: 0o600 });
  const file = join(dir, 'engine-worker.mjs');
  return { url: pathToFileURL(file), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
