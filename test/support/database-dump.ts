import { existsSync, readFileSync } from 'node:fs';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';

const sqliteFile = (databaseUrl: string): string => databaseUrl.slice('sqlite:'.length);

/** Every row of every table, in a fixed order, as text: to compare a database before and after. */
export async function logicalDump(databaseUrl: string): Promise<string> {
  if (databaseUrl.startsWith('sqlite:')) {
    const db = new SqliteDatabase(sqliteFile(databaseUrl), { readonly: true });
    try {
      const tables = db.prepare("select name from sqlite_master where type = 'table' order by name").all() as Array<{
        name: string;
      }>;
      return tables
        .map(({ name }) => `${name}\n${JSON.stringify(db.prepare(`select * from "${name}" order by rowid`).all())}`)
        .join('\n');
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ name: string }>(
      "select table_name as name from information_schema.tables where table_schema = 'public' order by 1",
    );
    const parts: string[] = [];
    for (const { name } of tables) {
      const { rows } = await client.query<{ r: string }>(`select t::text as r from "${name}" t order by 1`);
      parts.push(`${name}\n${rows.map((row) => row.r).join('\n')}`);
    }
    return parts.join('\n');
  } finally {
    await client.end();
  }
}

/** What an attacker with the database gets: the SQLite file with its -wal and -shm, or a PostgreSQL dump. */
export async function databaseBytes(databaseUrl: string): Promise<Buffer> {
  if (!databaseUrl.startsWith('sqlite:')) return Buffer.from(await logicalDump(databaseUrl), 'utf8');
  const file = sqliteFile(databaseUrl);
  return Buffer.concat([file, `${file}-wal`, `${file}-shm`].filter((f) => existsSync(f)).map((f) => readFileSync(f)));
}

/** The SQLite files of a database URL that exist (none for PostgreSQL). */
export const sqliteFiles = (databaseUrl: string): string[] =>
  databaseUrl.startsWith('sqlite:')
    ? [sqliteFile(databaseUrl), `${sqliteFile(databaseUrl)}-wal`, `${sqliteFile(databaseUrl)}-shm`].filter((f) =>
        existsSync(f),
      )
    : [];

/** Whether the store_meta table has a row of that name, read without writing anything. */
export async function hasMetaRow(databaseUrl: string, name: string): Promise<boolean> {
  if (databaseUrl.startsWith('sqlite:')) {
    const db = new SqliteDatabase(sqliteFile(databaseUrl), { readonly: true });
    try {
      return db.prepare('select 1 from store_meta where name = ?').get(name) !== undefined;
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query('select 1 from store_meta where name = $1', [name])).rowCount === 1;
  } finally {
    await client.end();
  }
}

/** Rows in a table, read without writing anything. */
export async function countRows(databaseUrl: string, table: string): Promise<number> {
  if (databaseUrl.startsWith('sqlite:')) {
    const db = new SqliteDatabase(sqliteFile(databaseUrl), { readonly: true });
    try {
      return (db.prepare(`select count(*) as n from "${table}"`).get() as { n: number }).n;
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return Number((await client.query<{ n: string }>(`select count(*) as n from "${table}"`)).rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}
