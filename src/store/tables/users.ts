import type { Kysely, Selectable } from 'kysely';
import type { Database, UsersTable } from '../sql/schema.js';

export type UserRow = Selectable<UsersTable>;

export async function insertUser(db: Kysely<Database>, row: UserRow): Promise<void> {
  await db.insertInto('users').values(row).execute();
}

export async function findUserById(db: Kysely<Database>, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A guest's user joined by a real login's account is a guest no more. */
export async function markNotGuest(db: Kysely<Database>, id: string): Promise<void> {
  await db.updateTable('users').set({ guest: 0 }).where('id', '=', id).where('guest', '<>', 0).execute();
}

export interface UserChanges {
  nickname?: string | null;
  avatar_url?: string | null;
  phone_number?: string;
  phone_pure_number?: string;
  phone_country_code?: string;
}

/** Applies the given columns and bumps updated_at; returns false when no such user exists. */
export async function updateUser(db: Kysely<Database>, id: string, changes: UserChanges, now: number): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ ...changes, updated_at: now })
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Newest first. */
export async function listUsers(db: Kysely<Database>, limit: number): Promise<UserRow[]> {
  return db.selectFrom('users').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/** Users whose own phone (as WeChat gives it, or the bare number) is `phone`. */
export async function findUsersByPhone(db: Kysely<Database>, phone: string): Promise<UserRow[]> {
  return db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb.or([eb('phone_number', '=', phone), eb('phone_pure_number', '=', phone)]))
    .execute();
}
