import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readEncryptionKeyFile, resolveEncryptionKey } from './config/encryption-key.ts';
import { loadConfig } from './config/load-config.ts';
import { EncryptionKeyMismatchError, rotateRows } from './store/encryption-at-rest.ts';
import { openStore } from './store/open-store.ts';
import { keyFingerprint } from './store/row-cipher.ts';

/** Writes `text` to `path` (0600) through a temp file and a rename, so a crash leaves the old file or the new. */
function replaceFile(path: string, text: string): void {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}

/**
 * `npm run rotate-key -- --new-key-file FILE`: re-seals every encrypted row with the key in FILE (32 bytes,
 * base64), with the gateway stopped. Safe to kill at any point: the database then opens with the old key
 * or the new one, and running the command again finishes the rotation (docs/security.md).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'new-key-file': { type: 'string' } } });
  const newKeyFile = values['new-key-file'];
  if (!newKeyFile) throw new Error('usage: npm run rotate-key -- --new-key-file FILE (32 bytes, base64)');
  process.umask(0o077);
  const config = loadConfig();
  const newKey = readEncryptionKeyFile(newKeyFile);
  if (!newKey) throw new Error(`${newKeyFile} does not exist`);
  const current = resolveEncryptionKey(config);
  const store = await openStore({ database: config.database, encryptionKey: current.key, alsoOpening: [newKey] });
  let resealed: number;
  try {
    resealed = await rotateRows(store.db, current.key, newKey);
  } finally {
    await store.destroy();
  }
  const fingerprint = keyFingerprint(newKey);
  process.stdout.write(`rotate-key: ${resealed} rows re-sealed; the database now needs key ${fingerprint}\n`);
  if (current.path === null) {
    process.stdout.write('rotate-key: set ENCRYPTION_KEY to the new key before the next start\n');
    return;
  }
  // The key file changes last, once the database needs the new key; the old key stays beside it.
  if (keyFingerprint(current.key) !== fingerprint) {
    replaceFile(`${current.path}.previous`, `${current.key.toString('base64')}\n`);
    replaceFile(current.path, `${newKey.toString('base64')}\n`);
  }
  process.stdout.write(`rotate-key: ${current.path} holds the new key (the old one is in ${current.path}.previous)\n`);
}

main().catch((err: unknown) => {
  const message = err instanceof EncryptionKeyMismatchError || err instanceof Error ? err.message : String(err);
  process.stderr.write(`rotate-key: ${message}\n`);
  process.exit(1);
});
