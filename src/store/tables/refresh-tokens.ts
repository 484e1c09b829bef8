import type { Kysely, Selectable } from 'kysely';
import type { Database, RefreshTokensTable } from '../sql/schema.js';

export type RefreshTokenRow = Selectable<RefreshTokensTable>;

export async function insertRefreshToken(db: Kysely<Database>, row: RefreshTokenRow): Promise<void> {
  await db.insertInto('refresh_tokens').values(row).execute();
}

export async function findRefreshToken(db: Kysely<Database>, id: string): Promise<RefreshTokenRow | undefined> {
  return db.selectFrom('refresh_tokens').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Consumes a refresh token: true for the one caller that marks it used, false for everyone after. The
 * conditional update is atomic on every engine, so two racing refreshes cannot both win.
 */
export async function markRefreshTokenUsed(db: Kysely<Database>, id: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('refresh_tokens')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** True when a token issued in exchange for `parentId` has itself been used: the chain has moved on. */
export async function hasUsedChild(db: Kysely<Database>, parentId: string): Promise<boolean> {
  const row = await db
    .selectFrom('refresh_tokens')
    .select('id')
    .where('parent_id', '=', parentId)
    .where('used_at', 'is not', null)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Marks every unused child of `parentId` but `keepId` as spent, so none of them can be used any more. They are
 * stamped as used at time 0: never used by anyone, so no reuse grace window can ever cover them.
 */
export async function spendSiblings(db: Kysely<Database>, parentId: string, keepId: string): Promise<void> {
  // Find them with a plain read, then update by primary key: an UPDATE ranging over the parent_id index would take
  // InnoDB gap locks there and deadlock with other sessions' refresh-token inserts. Siblings are rare.
  const siblings = await db
    .selectFrom('refresh_tokens')
    .select('id')
    .where('parent_id', '=', parentId)
    .where('id', '!=', keepId)
    .where('used_at', 'is', null)
    .execute();
  if (siblings.length === 0) return;
  await db
    .updateTable('refresh_tokens')
    .set({ used_at: 0 })
    .where(
      'id',
      'in',
      siblings.map((row) => row.id),
    )
    .where('used_at', 'is', null)
    .execute();
}
