import type { Kysely, Selectable } from 'kysely';
import type { Database, SigningKeysTable } from '../sql/schema.js';

export type SigningKeyRow = Selectable<SigningKeysTable>;

/**
 * `retired_at` of a key withdrawn by `keys rotate --now`: retired before any token it signed could still be
 * valid, so it verifies nothing from the moment it is withdrawn (as `used_at = 0` spends a refresh token for good).
 */
export const WITHDRAWN_AT = 0;

/** All keys, newest first (ties by kid): every instance orders them alike, so all pick the same signer. */
export async function listSigningKeys(db: Kysely<Database>): Promise<SigningKeyRow[]> {
  return db.selectFrom('signing_keys').selectAll().orderBy('created_at', 'desc').orderBy('kid', 'desc').execute();
}

/** What tells one key set from another, in listSigningKeys' order: one small query, nothing to decrypt. */
export async function listSigningKeyStates(db: Kysely<Database>): Promise<Array<Pick<SigningKeyRow, 'kid' | 'retired_at'>>> {
  return db.selectFrom('signing_keys').select(['kid', 'retired_at']).orderBy('created_at', 'desc').orderBy('kid', 'desc').execute();
}

export async function insertSigningKey(db: Kysely<Database>, row: SigningKeyRow): Promise<void> {
  await db.insertInto('signing_keys').values(row).execute();
}

/** Retires every unretired key but `keepKid`; retired keys stay in JWKS until the tokens they signed have expired. */
export async function retireSigningKeysExcept(db: Kysely<Database>, keepKid: string, now: number): Promise<void> {
  await db.updateTable('signing_keys').set({ retired_at: now }).where('kid', '!=', keepKid).where('retired_at', 'is', null).execute();
}

/**
 * Withdraws every key but `keepKid` that still verifies: unretired, due to retire (a scheduled rotation in
 * progress), or retired after `verifyingSince`. Keys retired earlier keep their date; they verify nothing either way.
 */
export async function withdrawSigningKeysExcept(db: Kysely<Database>, keepKid: string, verifyingSince: number): Promise<void> {
  await db
    .updateTable('signing_keys')
    .set({ retired_at: WITHDRAWN_AT })
    .where('kid', '!=', keepKid)
    .where((eb) => eb.or([eb('retired_at', 'is', null), eb('retired_at', '>', verifyingSince)]))
    .execute();
}
