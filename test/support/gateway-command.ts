import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the gateway runs with it as its working directory. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The node arguments that run the gateway, as `npm start` does: the V8 flags from package.json
 * (`config.gatewayNodeFlags`, the one place they are written), then `src/main.ts` through tsx.
 * Tests and benchmarks run the gateway exactly like that.
 */
export function gatewayNodeArgs(extraFlags: readonly string[] = []): string[] {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    config?: { gatewayNodeFlags?: string };
  };
  const flags = (manifest.config?.gatewayNodeFlags ?? '').split(/\s+/).filter(Boolean);
  return [...flags, ...extraFlags, '--import', 'tsx', 'src/main.ts'];
}
