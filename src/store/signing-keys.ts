import type { Kysely, Selectable } from 'kysely';
import type { Database, SigningKeysTable } from './schema.js';

export type SigningKeyRow = Selectable<SigningKeysTable>;

/** All keys, newest first: the first unretired one signs, the others only verify. */
export async function listSigningKeys(db: Kysely<Database>): Promise<SigningKeyRow[]> {
  return db.selectFrom('signing_keys').selectAll().orderBy('created_at', 'desc').orderBy('kid', 'desc').execute();
}

export async function insertSigningKey(db: Kysely<Database>, row: SigningKeyRow): Promise<void> {
  await db.insertInto('signing_keys').values(row).execute();
}

/** Retires every key but `keepKid`; retired keys stay in JWKS until the tokens they signed have expired. */
export async function retireSigningKeysExcept(db: Kysely<Database>, keepKid: string, now: number): Promise<void> {
  await db
    .updateTable('signing_keys')
    .set({ retired_at: now })
    .where('kid', '!=', keepKid)
    .where('retired_at', 'is', null)
    .execute();
}
