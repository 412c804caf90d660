import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

/** Every module a file imports: package names as written, local ones as `src/…` paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map(([, spec = '']) =>
    spec.startsWith('.') ? `src/${relative(SRC, resolve(dirname(file), spec))}` : spec,
  );
}

const files = sourceFiles(SRC).map((file) => ({ path: relative(SRC, file), imports: importsOf(file), text: readFileSync(file, 'utf8') }));
const inside = (path: string, folder: string) => path === folder || path.startsWith(`${folder}/`);
const local = (spec: string) => spec.startsWith('src/');
const localIn = (spec: string, folder: string) => inside(spec, `src/${folder}`);

function forbid(what: string, applies: (path: string) => boolean, bad: (spec: string) => boolean) {
  const offenders = files.filter((f) => applies(f.path)).flatMap((f) => f.imports.filter(bad).map((spec) => `${f.path} → ${spec}`));
  assert.deepEqual(offenders, [], what);
}

test('the file scan sees the source tree', () => {
  assert.ok(files.length > 50);
  assert.ok(files.some((f) => f.imports.includes('@whiskeysockets/baileys')));
  assert.ok(files.some((f) => f.imports.includes('src/sim/simulator.ts') || f.imports.includes('src/sim/sim-core.ts')), 'local imports resolve to src/ paths');
});

test('only engine/baileys (and the simulator) import Baileys', () => {
  forbid('Baileys imports', (p) => !inside(p, 'engine/baileys') && !inside(p, 'sim'), (s) => s.startsWith('@whiskeysockets/baileys'));
});

test('only store/ imports Kysely and the database drivers', () => {
  forbid('database imports', (p) => !inside(p, 'store'), (s) => ['kysely', 'pg', 'better-sqlite3'].includes(s));
});

test('the simulator imports no gateway code', () => {
  forbid('sim → gateway', (p) => inside(p, 'sim'), (s) => local(s) && !localIn(s, 'sim'));
});

test('the gateway imports nothing from the simulator', () => {
  forbid('gateway → sim', (p) => !inside(p, 'sim'), (s) => localIn(s, 'sim'));
});

test('sessions/ and messages/ reach the engine only through its port', () => {
  forbid('use cases → engine/baileys', (p) => inside(p, 'sessions') || inside(p, 'messages'), (s) => localIn(s, 'engine/baileys'));
});

test('config/ and errors/ are leaves', () => {
  const layers = /^src\/(sessions|engine|store|http|events|messages|operations|sim)\//;
  forbid('leaf imports', (p) => inside(p, 'config') || inside(p, 'errors'), (s) => layers.test(s));
});

test('only http/ and the composition root import operations/ (metrics watch the layers from outside)', () => {
  const allowed = (p: string) => inside(p, 'operations') || inside(p, 'http') || p === 'main.ts' || p === 'app.ts';
  forbid('layers → operations', (p) => !allowed(p), (s) => localIn(s, 'operations'));
});

test('no console output in gateway code (pino only); the console guard is the one exception', () => {
  const offenders = files
    .filter((f) => !inside(f.path, 'sim') && f.path !== 'engine/baileys/console-guard.ts')
    .filter((f) => /\bconsole\.(log|info|warn|error|debug|trace)\(/.test(f.text))
    .map((f) => f.path);
  assert.deepEqual(offenders, []);
});
