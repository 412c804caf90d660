import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../support/gateway-command.ts';

const DASHBOARD = join(ROOT, 'src', 'dashboard');
const files = readdirSync(DASHBOARD).filter((name) => /\.(ts|tsx)$/.test(name));

test('the front end imports only Preact and its own files (gateway code at most as types)', () => {
  assert.ok(files.length > 10);
  const offenders: string[] = [];
  for (const name of files) {
    const text = readFileSync(join(DASHBOARD, name), 'utf8');
    for (const [, typeOnly, spec = ''] of text.matchAll(
      /^\s*(?:import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]/gm,
    )) {
      const own = spec.startsWith('./') && !spec.slice(2).includes('/');
      const preact = spec === 'preact' || spec.startsWith('preact/');
      if (!own && !preact && !typeOnly) offenders.push(`${name} → ${spec}`);
    }
  }
  assert.deepEqual(offenders, []);
});

test('no CDN or outside address anywhere in the front end', () => {
  const offenders = files.filter((name) =>
    /https?:\/\/(?!example\.com)/.test(readFileSync(join(DASHBOARD, name), 'utf8')),
  );
  assert.deepEqual(offenders, []);
});
