import type { Kysely, Selectable } from 'kysely';
import type { Database, UnionIdentitiesTable } from '../sql/schema.js';

export type UnionIdentityRow = Selectable<UnionIdentitiesTable>;

export async function findUnionIdentity(db: Kysely<Database>, family: string, key: string): Promise<UnionIdentityRow | undefined> {
  return db.selectFrom('union_identities').selectAll().where('family', '=', family).where('union_key', '=', key).executeTakeFirst();
}

/** Fails with a unique violation when the (family, key) is taken: how the loser of a first-login race learns it lost. */
export async function insertUnionIdentity(db: Kysely<Database>, row: UnionIdentityRow): Promise<void> {
  await db.insertInto('union_identities').values(row).execute();
}

/** Union identities with this key, in any family (an operator looking up a unionid). */
export async function findUnionIdentitiesByKey(db: Kysely<Database>, key: string): Promise<UnionIdentityRow[]> {
  return db.selectFrom('union_identities').selectAll().where('union_key', '=', key).orderBy('family').execute();
}

export async function listUnionIdentitiesOfUser(db: Kysely<Database>, userId: string): Promise<UnionIdentityRow[]> {
  return db.selectFrom('union_identities').selectAll().where('user_id', '=', userId).orderBy('family').orderBy('union_key').execute();
}
