import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ESLint } from 'eslint';
import { ROOT } from './support/gateway-command.ts';

// The layer rules live in eslint.config.js. These tests lint made-up files at made-up paths inside the tree
// (lintText with a filePath: nothing is written) and show that each rule rejects what it should, for static
// imports, re-exports, dynamic import() and .mjs files, and lets the allowed direction through.

const eslint = new ESLint({ cwd: ROOT });

/** Some real file of the store (the store's layout may change; the rule is about the folder). */
const storeFile = readdirSync(join(ROOT, 'src/store')).find((name) => name.endsWith('.ts') && !name.includes('.test.'));
assert.ok(storeFile, 'src/store has a source file');

interface Finding {
  line: number;
  rule: string | null;
  message: string;
}

async function lint(filePath: string, code: string): Promise<Finding[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, filePath) });
  assert.ok(result, 'eslint returned a result');
  return result.messages.map((m) => ({ line: m.line, rule: m.ruleId, message: m.message }));
}

/** The lines that broke a layer rule. */
async function boundaryLines(filePath: string, code: string): Promise<number[]> {
  const findings = await lint(filePath, code);
  const fatal = findings.filter((f) => f.rule === null);
  assert.deepEqual(fatal, [], 'the snippet parses');
  return findings.filter((f) => f.rule === 'boundaries/dependencies').map((f) => f.line);
}

describe('lint: layer rules (eslint-plugin-boundaries)', () => {
  test('only engine/baileys and the simulator import Baileys: static, dynamic and from .mjs', async () => {
    const code = [
      "import { jidDecode } from '@whiskeysockets/baileys';",
      "export const later = () => import('@whiskeysockets/baileys');",
      'export { jidDecode };',
    ].join('\n');
    assert.deepEqual(await boundaryLines('src/sessions/probe.ts', code), [1, 2]);
    assert.deepEqual(await boundaryLines('src/engine/worker/probe.mjs', code), [1, 2]);
    assert.deepEqual(await boundaryLines('src/engine/baileys/probe.ts', code), []);
    assert.deepEqual(await boundaryLines('src/sim/probe.ts', code), []);
  });

  test('only store imports Kysely and the database drivers', async () => {
    const code = [
      "import { Kysely } from 'kysely';",
      "import pg from 'pg';",
      "export const open = () => import('better-sqlite3');",
      'export const all = [Kysely, pg];',
    ].join('\n');
    assert.deepEqual(await boundaryLines('src/events/probe.ts', code), [1, 2, 3]);
    assert.deepEqual(await boundaryLines('src/sim/probe.mjs', code), [1, 2, 3]);
    assert.deepEqual(await boundaryLines('src/store/probe.ts', code), []);
  });

  test('the simulator and the gateway never import each other', async () => {
    const toGateway = "export { AppError } from '../errors/app-error.ts';\n";
    assert.deepEqual(await boundaryLines('src/sim/probe.ts', toGateway), [1]);
    const toSim = "export const sim = () => import('../sim/simulator.ts');\n";
    assert.deepEqual(await boundaryLines('src/http/probe.ts', toSim), [1]);
    assert.deepEqual(
      await boundaryLines('src/engine/worker/probe.mjs', "await import('../../sim/simulator.ts');\n"),
      [1],
    );
  });

  test('use cases reach the engine only through its port, and the port imports no use case', async () => {
    const adapter =
      "import { createBaileysEngine } from '../engine/baileys/baileys-engine.ts';\nexport { createBaileysEngine };\n";
    assert.deepEqual(await boundaryLines('src/sessions/probe.ts', adapter), [1]);
    assert.deepEqual(await boundaryLines('src/messages/probe.ts', adapter), [1]);
    const port = "import type { Engine } from '../engine/engine.ts';\nexport type E = Engine;\n";
    assert.deepEqual(await boundaryLines('src/sessions/probe.ts', port), []);
    const upward =
      "import type { SessionStatus } from '../sessions/session-state.ts';\nexport type S = SessionStatus;\n";
    assert.deepEqual(await boundaryLines('src/engine/probe.ts', upward), [1]);
  });

  test('events, sessions and http never import the store; the store may implement their ports', async () => {
    const store = `import * as store from '../store/${storeFile}';\nexport { store };\n`;
    for (const layer of ['events', 'sessions', 'http', 'messages']) {
      assert.deepEqual(await boundaryLines(`src/${layer}/probe.ts`, store), [1], layer);
    }
    const ports = "import type { DeliveryStore } from '../events/event-store.ts';\nexport type D = DeliveryStore;\n";
    assert.deepEqual(await boundaryLines('src/store/probe.ts', ports), []);
  });

  test('config, errors and shared are leaves', async () => {
    const up = "import { SESSION_STATUSES } from '../sessions/session-state.ts';\nexport { SESSION_STATUSES };\n";
    for (const leaf of ['config', 'errors', 'shared']) {
      assert.deepEqual(await boundaryLines(`src/${leaf}/probe.ts`, up), [1], leaf);
    }
    const shared = "import { backoffDelay } from '../shared/backoff.ts';\nexport { backoffDelay };\n";
    assert.deepEqual(await boundaryLines('src/events/probe.ts', shared), [], 'every layer may use shared');
  });

  test('dashboard is browser code: type-only gateway imports, no gateway code or node:* at run time', async () => {
    const code = [
      "import type { SessionStatus } from '../sessions/session-state.ts';",
      "import { AppError } from '../errors/app-error.ts';",
      "import { readFileSync } from 'node:fs';",
      'export type S = SessionStatus;',
      'export const all = [AppError, readFileSync];',
    ].join('\n');
    assert.deepEqual(await boundaryLines('src/dashboard/probe.ts', code), [2, 3]);
  });

  test('gateway code may not import test support', async () => {
    const code = "import { freePort } from '../../../test/support/free-port.ts';\nexport { freePort };\n";
    assert.deepEqual(await boundaryLines('src/http/plugins/probe.ts', code), [1]);
  });

  test('no console in gateway code; the console guard and the simulator are the exceptions', async () => {
    const code = "console.log('hello');\n";
    const consoleLines = async (path: string) =>
      (await lint(path, code)).filter((f) => f.rule === 'no-console').map((f) => f.line);
    assert.deepEqual(await consoleLines('src/events/probe.ts'), [1]);
    assert.deepEqual(await consoleLines('src/engine/worker/probe.mjs'), [1]);
    assert.deepEqual(await consoleLines('src/engine/baileys/console-guard.ts'), []);
    assert.deepEqual(await consoleLines('src/sim/probe.ts'), []);
  });
});
