import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Config } from './config.ts';
import { resolveKeyFile, type ResolvedKeyFile } from './key-file.ts';

export type ResolvedApiKey = ResolvedKeyFile<string>;

export const API_KEY_FILE = 'api-key';

/** 32 random bytes, base64url, with a prefix that makes a leaked key easy to recognise in a scan. */
export const generateApiKey = (): string => `wag_${randomBytes(32).toString('base64url')}`;

function parseStoredKey(key: string, path: string): string {
  // Regenerating over a damaged file would silently lock every client out; stop instead.
  if (key.length < 16 || /\s/.test(key)) throw new Error(`API key file ${path} is empty or damaged: fix or delete it`);
  return key;
}

/**
 * The API key: API_KEY if set, else the one stored in `<dataDir>/api-key`, else a new one stored there
 * (directory 0700, file 0600). The gateway never runs without a key.
 */
export function resolveApiKey(config: Pick<Config, 'apiKey' | 'dataDir'>, dataDir = config.dataDir): ResolvedApiKey {
  return resolveKeyFile({
    fromEnvironment: config.apiKey,
    dataDir,
    fileName: API_KEY_FILE,
    parse: parseStoredKey,
    generate: generateApiKey,
    format: (key) => key,
  });
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
