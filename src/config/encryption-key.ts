import { randomBytes } from 'node:crypto';
import type { Config } from './config.ts';
import { readKeyFile, resolveKeyFile, type ResolvedKeyFile } from './key-file.ts';

export const ENCRYPTION_KEY_FILE = 'encryption-key';
const KEY_BYTES = 32;

export type ResolvedEncryptionKey = ResolvedKeyFile<Buffer>;

/** 32 bytes from base64 (standard or url-safe), or undefined if the text is not exactly that. */
export function parseEncryptionKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) return undefined;
  const key = Buffer.from(trimmed.replaceAll('-', '+').replaceAll('_', '/'), 'base64');
  return key.length === KEY_BYTES ? key : undefined;
}

function parseStoredKey(text: string, path: string): Buffer {
  const key = parseEncryptionKey(text);
  // A new key over a damaged file would make the database unreadable; stop instead.
  if (!key) throw new Error(`encryption key file ${path} is not 32 bytes of base64: restore it from a backup`);
  return key;
}

/** Reads a key file (32 bytes, base64); undefined if it does not exist. A damaged file stops the start. */
export const readEncryptionKeyFile = (path: string): Buffer | undefined => readKeyFile(path, parseStoredKey);

/**
 * The key the database's secret columns are sealed with: ENCRYPTION_KEY if set, else the one stored in
 * `<dataDir>/encryption-key`, else a new one stored there (directory 0700, file 0600), the same way as
 * the API key. So every install is encrypted. The key is never logged.
 */
export function resolveEncryptionKey(config: Pick<Config, 'encryptionKey' | 'dataDir'>): ResolvedEncryptionKey {
  return resolveKeyFile({
    fromEnvironment: config.encryptionKey,
    dataDir: config.dataDir,
    fileName: ENCRYPTION_KEY_FILE,
    parse: parseStoredKey,
    generate: () => randomBytes(KEY_BYTES),
    format: (key) => key.toString('base64'),
  });
}
