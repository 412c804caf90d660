import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/config/config.ts';

/** A fresh working directory for one config test (its own .env files). */
export const cwd = () => mkdtempSync(join(tmpdir(), 'wagate-config-'));
/** The problems a ConfigError lists; fails the test if `fn` does not throw one. */
export const problemsOf = (fn: () => unknown): readonly string[] => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err.problems;
  }
  assert.fail('expected a ConfigError');
};
