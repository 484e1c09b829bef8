import type { Kysely } from 'kysely';
import { LRUCache } from 'lru-cache';
import { WeappAuthError } from '../errors.js';
import type { Database } from '../store/schema.js';
import { findUserById, updateUser, type UserChanges, type UserRow } from '../store/users.js';
import type { Clock } from './clock.js';

/** The user as a client may see it: no openids, unionid, session keys or anything secret. */
export interface PublicUser {
  id: string;
  nickname: string | null;
  avatarUrl: string | null;
  phoneBound: boolean;
  /** The user's own bound phone (they see it; nobody else does). */
  phone: PhoneView | null;
  createdAt: string;
  updatedAt: string;
}

/** A phone number as WeChat reports it. */
export interface PhoneView {
  phoneNumber: string;
  purePhoneNumber: string;
  countryCode: string;
}

export interface ProfileChanges {
  nickname?: string | null;
  avatarUrl?: string | null;
}

export function toPublicUser(row: UserRow): PublicUser {
  return {
    id: row.id,
    nickname: row.nickname,
    avatarUrl: row.avatar_url,
    phoneBound: row.phone_number !== null,
    phone:
      row.phone_number === null
        ? null
        : { phoneNumber: row.phone_number, purePhoneNumber: row.phone_pure_number ?? row.phone_number, countryCode: row.phone_country_code ?? '' },
    createdAt: new Date(Number(row.created_at)).toISOString(),
    updatedAt: new Date(Number(row.updated_at)).toISOString(),
  };
}

/**
 * How long an instance serves a profile it read without reading it again. Changes made through this instance
 * drop the entry at once; one made through another instance shows within this window, as session revocations do.
 * It spares GET /api/me a database round trip per request.
 */
const PROFILE_CACHE_MS = 1_000;

export class Profiles {
  readonly #cache = new LRUCache<string, PublicUser>({ max: 100_000, ttl: PROFILE_CACHE_MS });

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async get(userId: string): Promise<PublicUser> {
    const cached = this.#cache.get(userId);
    if (cached !== undefined) return cached;
    const row = await findUserById(this.db, userId);
    if (row === undefined) throw new WeappAuthError('SESSION_REVOKED', 'the user no longer exists');
    const user = toPublicUser(row);
    this.#cache.set(userId, user);
    return user;
  }

  /** Changes columns of the user (profile, phone) and forgets the cached profile. */
  async change(userId: string, columns: UserChanges): Promise<boolean> {
    this.#cache.delete(userId);
    return updateUser(this.db, userId, columns, this.clock());
  }

  /** Nickname and avatar as filled in by the mini program's nickname input and chooseAvatar button. */
  async update(userId: string, changes: ProfileChanges): Promise<PublicUser> {
    const columns: UserChanges = {};
    if (changes.nickname !== undefined) columns.nickname = changes.nickname === null ? null : normalizeNickname(changes.nickname);
    if (changes.avatarUrl !== undefined) columns.avatar_url = changes.avatarUrl === null ? null : checkAvatarUrl(changes.avatarUrl);
    if (!(await this.change(userId, columns))) {
      throw new WeappAuthError('SESSION_REVOKED', 'the user no longer exists');
    }
    return this.get(userId);
  }
}

/** The avatar_url column's width. */
export const MAX_AVATAR_URL = 1024;

function normalizeNickname(value: string): string {
  const nickname = value.normalize('NFC').trim();
  if (nickname === '' || [...nickname].length > 32) {
    throw new WeappAuthError('VALIDATION_FAILED', 'nickname must be 1 to 32 characters');
  }
  // Control characters break logs and admin tables and are never typed by a person.
  if (/\p{Cc}/u.test(nickname)) throw new WeappAuthError('VALIDATION_FAILED', 'nickname must not contain control characters');
  return nickname;
}

/**
 * Only https URLs: chooseAvatar gives a temporary local path (wxfile:// or http://tmp/) that the app must upload
 * to its own storage first; storing the temporary path would show a broken image everywhere else.
 */
function checkAvatarUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new WeappAuthError('VALIDATION_FAILED', 'avatarUrl must be an absolute https URL');
  }
  if (url.protocol !== 'https:' || url.hostname === '') {
    throw new WeappAuthError('VALIDATION_FAILED', 'avatarUrl must be an https URL (upload the chooseAvatar file first)');
  }
  const normalized = url.toString();
  if (normalized.length > MAX_AVATAR_URL) throw new WeappAuthError('VALIDATION_FAILED', `avatarUrl must be at most ${MAX_AVATAR_URL} characters`);
  return normalized;
}
