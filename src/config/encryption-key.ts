import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { storeNewKey } from './api-key.ts';
import type { Config } from './config.ts';

export const ENCRYPTION_KEY_FILE = 'encryption-key';
const KEY_BYTES = 32;

export interface ResolvedEncryptionKey {
  key: Buffer;
  /** true only on the start that created the key file. */
  generated: boolean;
  /** The key file, or null when the key came from ENCRYPTION_KEY. */
  path: string | null;
}

/** 32 bytes from base64 (standard or url-safe), or undefined if the text is not exactly that. */
export function parseEncryptionKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) return undefined;
  const key = Buffer.from(trimmed.replaceAll('-', '+').replaceAll('_', '/'), 'base64');
  return key.length === KEY_BYTES ? key : undefined;
}

/** Reads a key file (32 bytes, base64); undefined if it does not exist. A damaged file stops the start. */
export function readEncryptionKeyFile(path: string): Buffer | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const key = parseEncryptionKey(text);
  // A new key over a damaged file would make the database unreadable; stop instead.
  if (!key) throw new Error(`encryption key file ${path} is not 32 bytes of base64: restore it from a backup`);
  return key;
}

/**
 * The key the database's secret columns are sealed with: ENCRYPTION_KEY if set, else the one stored in
 * `<dataDir>/encryption-key`, else a new one stored there (directory 0700, file 0600), the same way as
 * the API key. So every install is encrypted. The key is never logged.
 */
export function resolveEncryptionKey(config: Pick<Config, 'encryptionKey' | 'dataDir'>): ResolvedEncryptionKey {
  if (config.encryptionKey !== undefined) return { key: config.encryptionKey, generated: false, path: null };
  const path = join(config.dataDir, ENCRYPTION_KEY_FILE);
  const stored = readEncryptionKeyFile(path);
  if (stored !== undefined) return { key: stored, generated: false, path };
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(KEY_BYTES);
  if (storeNewKey(path, key.toString('base64'))) return { key, generated: true, path };
  const winner = readEncryptionKeyFile(path);
  if (winner === undefined) throw new Error(`encryption key file ${path} vanished while being created`);
  return { key: winner, generated: false, path };
}
