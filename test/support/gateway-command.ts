import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the gateway runs with it as its working directory. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The built gateway (`npm run build`: tsc with tsconfig.build.json), what `npm start` runs. */
export const BUILT_ENTRY = 'dist/main.js';

/** How a test or benchmark runs the gateway: from its TypeScript through tsx, or as built, like `npm start`. */
export type GatewayBuild = 'source' | 'dist';

/** Newest modification time of the TypeScript `tsconfig.build.json` compiles (src/, without tests and simulator). */
function newestSourceMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (path !== join(ROOT, 'src', 'sim')) newest = Math.max(newest, newestSourceMtime(path));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Whether dist/ is missing or older than a source file it is built from. */
export function builtGatewayIsStale(): boolean {
  const entry = join(ROOT, BUILT_ENTRY);
  return !existsSync(entry) || statSync(entry).mtimeMs < newestSourceMtime(join(ROOT, 'src'));
}

/** Builds dist/ (`npm run build`) when it is missing or stale. For one process at a time: benchmarks, scripts/test.sh. */
export function buildGateway(): void {
  if (builtGatewayIsStale()) execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
}

/**
 * The node arguments that run the gateway: the V8 flags from package.json (`config.gatewayNodeFlags`, the one
 * place they are written), then either `src/main.ts` through tsx or the build, `dist/main.js`, as `npm start` runs
 * it. The build must be current: test files run in parallel processes, so they do not build it themselves
 * (scripts/test.sh and the benchmarks do); a stale build would test old code, so it throws instead.
 */
export function gatewayNodeArgs(extraFlags: readonly string[] = [], build: GatewayBuild = 'source'): string[] {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { config?: { gatewayNodeFlags?: string } };
  const flags = (manifest.config?.gatewayNodeFlags ?? '').split(/\s+/).filter(Boolean);
  if (build === 'source') return [...flags, ...extraFlags, '--import', 'tsx', 'src/main.ts'];
  if (builtGatewayIsStale()) throw new Error(`${BUILT_ENTRY} is missing or older than src/: run \`npm run build\``);
  return [...flags, ...extraFlags, BUILT_ENTRY];
}
