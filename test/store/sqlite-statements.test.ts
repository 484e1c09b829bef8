import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { preparedOnce } from '../../src/store/sql/sqlite.js';

/** A Kysely over an in-memory SQLite whose statements go through preparedOnce, and a count of real prepares. */
function cachedDatabase(size?: number): { db: Kysely<any>; prepares: () => number } {
  const sqlite = new SQLite(':memory:');
  const prepare = vi.spyOn(sqlite, 'prepare');
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: preparedOnce(sqlite, size) }) });
  opened.push(db);
  return { db, prepares: () => prepare.mock.calls.length };
}

const opened: Kysely<any>[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.destroy()));
});

describe('SQLite statements prepared once', () => {
  it('prepares a SQL text once however often it runs, with each run its own parameters', async () => {
    const { db, prepares } = cachedDatabase();
    await sql`create table t (id integer primary key, name text)`.execute(db);
    for (const [id, name] of [
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ] as const) {
      await db.insertInto('t').values({ id, name }).execute();
    }
    const before = prepares();
    const names: string[] = [];
    for (const id of [3, 1, 2]) names.push((await db.selectFrom('t').select('name').where('id', '=', id).executeTakeFirstOrThrow()).name);
    expect(names).toStrictEqual(['c', 'a', 'b']);
    expect(prepares() - before).toBe(1);
  });

  it('sees a schema changed under a kept statement: a column added, a table dropped and made again', async () => {
    const { db } = cachedDatabase();
    await sql`create table t (a integer)`.execute(db);
    await sql`insert into t values (1)`.execute(db);
    const all = (): Promise<unknown[]> => db.selectFrom('t').selectAll().execute();
    expect(await all()).toStrictEqual([{ a: 1 }]);
    // As a migration would, through the same connection and cache.
    await sql`alter table t add column b integer not null default 2`.execute(db);
    expect(await all()).toStrictEqual([{ a: 1, b: 2 }]);
    await sql`drop table t`.execute(db);
    await expect(all()).rejects.toThrow(/no such table/);
    await sql`create table t (x text, y text)`.execute(db);
    await sql`insert into t values ('p', 'q')`.execute(db);
    expect(await all()).toStrictEqual([{ x: 'p', y: 'q' }]);
  });

  it('keeps at most `size` statements, the least recently used going first', async () => {
    const { db, prepares } = cachedDatabase(2);
    const one = (value: number): Promise<unknown> => sql.raw(`select ${value} as v`).execute(db);
    await one(1);
    await one(2);
    await one(1);
    expect(prepares()).toBe(2);
    await one(3); // evicts 2, the least recently used
    await one(1);
    expect(prepares()).toBe(3);
    await one(2);
    expect(prepares()).toBe(4);
  });
});
