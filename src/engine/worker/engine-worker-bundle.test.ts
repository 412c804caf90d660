import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { buildEngineWorkerBundle } from './engine-worker-bundle.ts';

/** The module specifiers of every static `import … from '…'` in a JavaScript text. */
const importedSpecifiers = (text: string) => [...text.matchAll(/\bfrom\s*"([^"]+)"/g)].map(([, spec = '']) => spec);

test('the engine thread compiles to plain JavaScript modules that load packages from node_modules', async () => {
  const bundle = await buildEngineWorkerBundle();
  const file = fileURLToPath(bundle.url);
  try {
    const text = readFileSync(file, 'utf8');
    // Gateway modules are inside; no TypeScript is left to load, and no loader is needed in the thread.
    assert.match(text, /function hostEngine\(/);
    assert.match(text, /function createBaileysEngine\(/);
    const specs = importedSpecifiers(text);
    assert.ok(specs.length > 0, 'the bundle imports its packages');
    assert.deepEqual(
      specs.filter((spec) => spec.endsWith('.ts')),
      [],
      'no TypeScript module is imported',
    );
    // Packages are imported by the very file Node resolves them to from the source tree: the same
    // modules (and the same Baileys) as the gateway's main thread, although the bundle lives in a temp dir.
    const packages = specs.filter((spec) => !spec.startsWith('node:'));
    assert.ok(packages.includes(import.meta.resolve('@whiskeysockets/baileys')), packages.join(', '));
    assert.ok(packages.includes(import.meta.resolve('pino')));
    for (const spec of packages) assert.ok(existsSync(fileURLToPath(spec)), spec);
    // libsignal is reached with createRequire(import.meta.url): that must still mean the source tree.
    assert.ok(!text.includes('import.meta.url'), 'import.meta.url is replaced by the source URL');
    // The oneof getter (protobuf-oneof-getter.ts) is a file of its own, imported before any package.
    const prelude = text.indexOf('import "./protobuf-oneof-getter.mjs"');
    assert.ok(prelude >= 0 && prelude < text.indexOf('@whiskeysockets/baileys'), 'the getter is imported first');
    const preludeUrl = new URL('./protobuf-oneof-getter.mjs', bundle.url).href;
    const installed = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '--eval',
        [
          `const { setBackedOneOfGetter } = await import(${JSON.stringify(preludeUrl)});`,
          `const { createRequire } = await import('node:module');`,
          `const baileys = createRequire(${JSON.stringify(import.meta.url)}).resolve('@whiskeysockets/baileys');`,
          `console.log(createRequire(baileys)('protobufjs/minimal.js').util.oneOfGetter === setBackedOneOfGetter);`,
        ].join('\n'),
      ],
      { encoding: 'utf8' },
    );
    assert.equal(installed.trim(), 'true', 'the compiled getter installs itself on the protobufjs that Baileys uses');
    assert.equal(statSync(dirname(file)).mode & 0o077, 0, 'only the gateway user can write where threads load code');
  } finally {
    bundle.remove();
  }
  assert.equal(existsSync(dirname(file)), false, 'remove() deletes the directory');
});
