import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { ROOT } from './support/gateway-command.ts';

// eslint-plugin-boundaries checks which layer may import which (eslint.config.js); this checks the other
// half of "dependencies point one way": no module of src/ reaches itself again through its imports.
// TypeScript's own pre-processor lists the imports: static, `import type`, re-exports and import().

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|mjs)$/.test(entry.name) && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

function localImports(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map(({ fileName }) => fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => resolve(dirname(file), spec))
    .filter((path) => existsSync(path));
}

/** Every cycle found by a depth-first walk, as `a → b → a` with paths relative to the repository. */
function cycles(files: string[]): string[] {
  const graph = new Map(files.map((file) => [file, localImports(file)]));
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const found: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') {
        found.push([...stack.slice(stack.indexOf(next)), next].map((path) => relative(ROOT, path)).join(' → '));
      } else if (!state.has(next)) {
        visit(next);
      }
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of files) if (!state.has(file)) visit(file);
  return found;
}

test('the import scan sees static, type-only and dynamic imports', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wagate-scan-'));
  try {
    writeFileSync(join(dir, 'entry.mjs'), "await import('./late.ts');\n");
    writeFileSync(join(dir, 'late.ts'), 'export const late = 1;\n');
    assert.deepEqual(localImports(join(dir, 'entry.mjs')), [join(dir, 'late.ts')], 'import() in an .mjs file');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const engine = localImports(join(ROOT, 'src/engine/engine.ts'));
  assert.ok(engine.includes(join(ROOT, 'src/engine/messaging-types.ts')), 'import type');
});

test('the cycle finder finds a cycle through a type-only import, and none in a chain', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wagate-cycles-'));
  try {
    writeFileSync(join(dir, 'a.ts'), "import { b } from './b.ts';\nexport const a = b;\n");
    writeFileSync(join(dir, 'b.ts'), "import type { C } from './c.ts';\nexport const b = 1 as C;\n");
    writeFileSync(join(dir, 'c.ts'), 'export type C = number;\n');
    assert.deepEqual(cycles(sourceFiles(dir)), []);
    writeFileSync(join(dir, 'c.ts'), "export type C = number;\nexport const later = () => import('./a.ts');\n");
    const [cycle, ...more] = cycles(sourceFiles(dir));
    assert.deepEqual(more, []);
    assert.match(cycle ?? '', /a\.ts → .*b\.ts → .*c\.ts → .*a\.ts$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('src/ has no import cycles', () => {
  assert.deepEqual(cycles(sourceFiles(join(ROOT, 'src'))), []);
});
