import { sql, type Kysely } from 'kysely';
import { identityOf, SEALED_COLUMNS, type SealedColumn } from './common/sealed-columns.ts';
import {
  createRowCipher,
  rowIdentity,
  RowCipherError,
  SEALED_PREFIX,
  sealedPrefix,
  type RowCipher,
} from './row-cipher.ts';
import type { DatabaseSchema } from './schema.ts';

/** Rows re-sealed per transaction: a crash loses at most one batch's work, never a row. */
const ROWS_PER_BATCH = 500;
const KEY_CHECK = 'key_check';
const KEY_CHECK_TEXT = 'wagate key check';
const PLAINTEXT_SEALED = 'plaintext_sealed';
const ROTATION = 'key_rotation';
const metaIdentity = (name: string): string => rowIdentity('store_meta', name);

/** The one line a start with the wrong key stops with. Names fingerprints only, never a key. */
export class EncryptionKeyMismatchError extends Error {
  override readonly name = 'EncryptionKeyMismatchError';
}

/** A rotation in progress: each key sealed with the other, so a start with either key reads every row. */
interface RotationState {
  from: string;
  to: string;
  /** The new key (base64), sealed with the old one. */
  next: string;
  /** The old key (base64), sealed with the new one. */
  previous: string;
}

type Db = Kysely<DatabaseSchema>;

async function readMeta(db: Db, name: string): Promise<string | undefined> {
  return (await db.selectFrom('store_meta').select('value').where('name', '=', name).executeTakeFirst())?.value;
}

async function writeMeta(db: Db, name: string, value: string): Promise<void> {
  await db
    .insertInto('store_meta')
    .values({ name, value })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value }))
    .execute();
}

const mismatch = (cipher: RowCipher, sealedWith: string | undefined): EncryptionKeyMismatchError =>
  new EncryptionKeyMismatchError(
    `ENCRYPTION_KEY does not decrypt this database (key fingerprint ${cipher.keyId}; ` +
      `the database needs ${sealedWith ?? 'another key'}): set the key it was encrypted with, nothing was changed`,
  );

/** True if `cipher` opens the stored key check. */
function opensCheck(cipher: RowCipher, stored: string): boolean {
  try {
    return cipher.open(metaIdentity(KEY_CHECK), stored) === KEY_CHECK_TEXT;
  } catch (err) {
    if (err instanceof RowCipherError) return false;
    throw err;
  }
}

/**
 * The cipher that reads this database, checked before any row is touched: its key check must open
 * with `cipher`'s key (or, during a rotation, with either key, and the other key is unwrapped from the
 * rotation state). A database without a check gets one. Throws EncryptionKeyMismatchError otherwise.
 */
export async function unlockDatabase(db: Db, cipher: RowCipher): Promise<RowCipher> {
  const rotationText = await readMeta(db, ROTATION);
  if (rotationText !== undefined) {
    const rotation = JSON.parse(rotationText) as RotationState;
    const wrapped =
      cipher.keyId === rotation.from ? rotation.next : cipher.keyId === rotation.to ? rotation.previous : null;
    if (wrapped === null) throw mismatch(cipher, `${rotation.from} or ${rotation.to}`);
    const other = Buffer.from(cipher.open(metaIdentity(ROTATION), wrapped), 'base64');
    return cipher.alsoOpening(other);
  }
  const check = await readMeta(db, KEY_CHECK);
  let stored = check;
  if (stored === undefined) {
    // A first start: the first process to insert its check wins, and a racing one is checked against it.
    const value = cipher.seal(metaIdentity(KEY_CHECK), KEY_CHECK_TEXT);
    await db
      .insertInto('store_meta')
      .values({ name: KEY_CHECK, value })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    stored = (await readMeta(db, KEY_CHECK)) ?? value;
  }
  if (!opensCheck(cipher, stored)) throw mismatch(cipher, cipher.sealedWith(stored));
  return cipher;
}

/**
 * Re-seals, batch by batch (each one transaction), the rows of `sealed` whose value does not start with
 * `donePrefix`; a re-sealed row starts with it, so each batch reads the next rows that need work.
 */
async function resealColumn(db: Db, sealed: SealedColumn, cipher: RowCipher, donePrefix: string): Promise<number> {
  const { table, column, identity } = sealed;
  const columns = sql.join([...identity, column].map((name) => sql.ref(name)));
  const matches = (row: Record<string, string>) =>
    sql.join(
      identity.map((name) => sql`${sql.ref(name)} = ${row[name]}`),
      sql` and `,
    );
  let total = 0;
  for (;;) {
    const { rows } = await sql<Record<string, string>>`select ${columns} from ${sql.table(table)}
      where ${sql.ref(column)} not like ${`${donePrefix}%`} limit ${ROWS_PER_BATCH}`.execute(db);
    if (rows.length === 0) return total;
    await db.transaction().execute(async (trx) => {
      for (const row of rows) {
        const aad = identityOf(sealed, row);
        const stored = String(row[column]);
        const plaintext = cipher.sealedWith(stored) === undefined ? stored : cipher.open(aad, stored);
        await sql`update ${sql.table(table)} set ${sql.ref(column)} = ${cipher.seal(aad, plaintext)}
          where ${matches(row)}`.execute(trx);
      }
    });
    total += rows.length;
  }
}

/**
 * Seals the plaintext rows an install from before encryption left, in place, in batches of one
 * transaction each: a crash keeps every row readable (sealed or not) and the next start continues. Done
 * once; the meta table remembers it.
 */
export async function sealPlaintextRows(db: Db, cipher: RowCipher): Promise<number> {
  if ((await readMeta(db, PLAINTEXT_SEALED)) !== undefined) return 0;
  let total = 0;
  for (const sealed of SEALED_COLUMNS) {
    total += await resealColumn(db, sealed, cipher, SEALED_PREFIX);
  }
  await writeMeta(db, PLAINTEXT_SEALED, new Date().toISOString());
  return total;
}

/**
 * Re-seals every sealed row under `newKey`. First records the rotation (each key sealed with the
 * other), so a start with either key reads every row whatever the crash point; then batches of rows;
 * then, in one transaction, the new key check replaces the old and the rotation record goes. A rerun
 * continues where a killed one stopped, and one after the end changes nothing. Returns the rows re-sealed.
 */
export async function rotateRows(db: Db, oldKey: Buffer, newKey: Buffer): Promise<number> {
  const old = createRowCipher(oldKey, [newKey]);
  let target = createRowCipher(newKey, [oldKey]);
  const check = await readMeta(db, KEY_CHECK);
  const recorded = await readMeta(db, ROTATION);
  if (recorded !== undefined) {
    // A rerun: the key rows were sealed with before is in the record, whichever key this run was given.
    target = await unlockDatabase(db, target);
  } else {
    if (check !== undefined && target.sealedWith(check) === target.keyId && opensCheck(target, check)) return 0;
    const state: RotationState = {
      from: old.keyId,
      to: target.keyId,
      next: old.seal(metaIdentity(ROTATION), newKey.toString('base64')),
      previous: target.seal(metaIdentity(ROTATION), oldKey.toString('base64')),
    };
    await writeMeta(db, ROTATION, JSON.stringify(state));
  }
  let total = 0;
  for (const sealed of SEALED_COLUMNS) {
    total += await resealColumn(db, sealed, target, sealedPrefix(target.keyId));
  }
  await db.transaction().execute(async (trx) => {
    await writeMeta(trx, KEY_CHECK, target.seal(metaIdentity(KEY_CHECK), KEY_CHECK_TEXT));
    await trx.deleteFrom('store_meta').where('name', '=', ROTATION).execute();
  });
  return total;
}
