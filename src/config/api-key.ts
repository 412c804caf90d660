import { randomBytes, timingSafeEqual } from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config.ts';

export interface ResolvedApiKey {
  key: string;
  /** true only on the start that created the key file: main tells the user where it is, once. */
  generated: boolean;
  /** The key file, or null when the key came from API_KEY. */
  path: string | null;
}

export const API_KEY_FILE = 'api-key';

/** 32 random bytes, base64url, with a prefix that makes a leaked key easy to recognise in a scan. */
export const generateApiKey = (): string => `wag_${randomBytes(32).toString('base64url')}`;

function readStoredKey(path: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const key = text.trim();
  // Regenerating over a damaged file would silently lock every client out; stop instead.
  if (key.length < 16 || /\s/.test(key)) throw new Error(`API key file ${path} is empty or damaged: fix or delete it`);
  return key;
}

/**
 * Writes the key to a private temp file, then hard-links it into place: the link fails if another
 * process got there first, and a crash never leaves a half-written key file behind. Also used for the
 * encryption key (`encryption-key.ts`).
 */
export function storeNewKey(path: string, key: string): boolean {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(temp, 'wx', 0o600);
  try {
    fchmodSync(fd, 0o600); // the umask may have narrowed the mode, never widened it; make it exact
    writeSync(fd, `${key}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkSync(temp);
  }
}

/**
 * The API key: API_KEY if set, else the one stored in `<dataDir>/api-key`, else a new one stored there
 * (directory 0700, file 0600). The gateway never runs without a key.
 */
export function resolveApiKey(config: Pick<Config, 'apiKey' | 'dataDir'>, dataDir = config.dataDir): ResolvedApiKey {
  if (config.apiKey !== undefined) return { key: config.apiKey, generated: false, path: null };
  const path = join(dataDir, API_KEY_FILE);
  const stored = readStoredKey(path);
  if (stored !== undefined) return { key: stored, generated: false, path };
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const key = generateApiKey();
  if (storeNewKey(path, key)) return { key, generated: true, path };
  const winner = readStoredKey(path);
  if (winner === undefined) throw new Error(`API key file ${path} vanished while being created`);
  return { key: winner, generated: false, path };
}

/** Constant-time key check: the content never leaks through timing (see createApiKeyVerifier). */
export function apiKeyMatches(expected: string, presented: string | undefined | null): boolean {
  return createApiKeyVerifier(expected)(presented);
}

/**
 * apiKeyMatches for one expected key, prepared once. Bytes are compared with timingSafeEqual; a key
 * of the wrong length does the same comparison work (against the expected key itself) and fails, so
 * timing tells an attacker at most that the length was wrong. Cheaper per request than hashing
 * both sides, which this replaced (the check runs on every request).
 */
export function createApiKeyVerifier(expected: string): (presented: string | undefined | null) => boolean {
  const expectedBytes = Buffer.from(expected, 'utf8');
  return (presented) => {
    if (!presented || expectedBytes.length === 0) return false;
    const presentedBytes = Buffer.from(presented, 'utf8');
    if (presentedBytes.length !== expectedBytes.length) {
      timingSafeEqual(expectedBytes, expectedBytes);
      return false;
    }
    return timingSafeEqual(expectedBytes, presentedBytes);
  };
}
