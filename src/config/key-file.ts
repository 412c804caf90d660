import { randomBytes } from 'node:crypto';
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

/** A secret from the environment, or from a file the gateway generates once into DATA_DIR. */
export interface ResolvedKeyFile<K> {
  key: K;
  /** true only on the start that created the key file: main tells the user where it is, once. */
  generated: boolean;
  /** The key file, or null when the key came from the environment. */
  path: string | null;
}

export interface KeyFileSpec<K> {
  /** The key given in the environment, if any: it wins and no file is touched. */
  fromEnvironment: K | undefined;
  dataDir: string;
  fileName: string;
  /** The key in a file's trimmed text; throws if the text is damaged (never regenerate over a damaged file). */
  parse: (text: string, path: string) => K;
  generate: () => K;
  /** The key as the file's one line. */
  format: (key: K) => string;
}

/** The file's text, or undefined if it does not exist. */
function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Writes the key to a private temp file, then hard-links it into place: the link fails if another
 * process got there first, and a crash never leaves a half-written key file behind.
 */
export function storeNewKey(path: string, line: string): boolean {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(temp, 'wx', 0o600);
  try {
    fchmodSync(fd, 0o600); // the umask may have narrowed the mode, never widened it; make it exact
    writeSync(fd, `${line}\n`);
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

/** Reads a key file with `parse`; undefined if it does not exist. */
export function readKeyFile<K>(path: string, parse: KeyFileSpec<K>['parse']): K | undefined {
  const text = readOptional(path);
  return text === undefined ? undefined : parse(text.trim(), path);
}

/**
 * The environment's key if set, else the one stored in `<dataDir>/<fileName>`, else a new one stored
 * there (directory 0700, file 0600). Two processes starting at once agree on one key: the loser reads
 * the winner's file.
 */
export function resolveKeyFile<K>(spec: KeyFileSpec<K>): ResolvedKeyFile<K> {
  if (spec.fromEnvironment !== undefined) return { key: spec.fromEnvironment, generated: false, path: null };
  const path = join(spec.dataDir, spec.fileName);
  const stored = readKeyFile(path, spec.parse);
  if (stored !== undefined) return { key: stored, generated: false, path };
  mkdirSync(spec.dataDir, { recursive: true, mode: 0o700 });
  const key = spec.generate();
  if (storeNewKey(path, spec.format(key))) return { key, generated: true, path };
  const winner = readKeyFile(path, spec.parse);
  if (winner === undefined) throw new Error(`key file ${path} vanished while being created`);
  return { key: winner, generated: false, path };
}
