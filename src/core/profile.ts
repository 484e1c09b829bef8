import type { Kysely } from 'kysely';
import type { User } from '../contract/api.js';
import type { Clock } from '../lib/clock.js';
import { WeappAuthError } from '../lib/errors.js';
import { growingLru } from '../lib/growing-lru.js';
import type { Database } from '../store/sql/schema.js';
import { findUserById, type UserChanges, type UserRow, updateUser } from '../store/tables/users.js';

/** The user as a client may see it, the contract's User: no openids, unionid, session keys or anything secret. */
export type PublicUser = User;

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
    guest: Number(row.guest) !== 0,
    phone:
      row.phone_number === null
        ? null
        : {
            phoneNumber: row.phone_number,
            purePhoneNumber: row.phone_pure_number ?? row.phone_number,
            countryCode: row.phone_country_code ?? '',
          },
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

/** Profiles kept: like the session status cache, one second's worth of users at most. */
const PROFILE_CACHE_SIZE = 10_000;

export interface ProfilesDeps {
  db: Kysely<Database>;
  clock: Clock;
}

/** The users' profiles: read (cached briefly per instance) and changed. */
export class Profiles {
  readonly #cache = growingLru<string, PublicUser>(PROFILE_CACHE_SIZE, PROFILE_CACHE_MS);

  constructor(private readonly deps: ProfilesDeps) {}

  async get(userId: string): Promise<PublicUser> {
    const cached = this.#cache.get(userId);
    if (cached !== undefined) return cached;
    const row = await findUserById(this.deps.db, userId);
    if (row === undefined) throw new WeappAuthError('SESSION_REVOKED', 'the user no longer exists');
    const user = toPublicUser(row);
    this.#cache.set(userId, user);
    return user;
  }

  /** Forgets the cached profile of a user changed elsewhere in this instance (a guest who logged in). */
  forget(userId: string): void {
    this.#cache.delete(userId);
  }

  /** Changes columns of the user (profile, phone) and forgets the cached profile. */
  async change(userId: string, columns: UserChanges): Promise<boolean> {
    this.#cache.delete(userId);
    return updateUser(this.deps.db, userId, columns, this.deps.clock());
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

/** The longest nickname, in characters (code points), as WeChat's nickname input allows. */
const MAX_NICKNAME = 32;

/** Emoji tag sequences (the flags of England, Scotland and Wales): the one place tag characters belong. */
const EMOJI_TAG_SEQUENCE = /\u{1F3F4}[\u{E0020}-\u{E007E}]+\u{E007F}/gu;

/**
 * What a nickname must not contain: characters no person types, that render as nothing or as boxes, or that
 * reorder the text shown around the nickname (a right-to-left override turns "Bob" into "boB" and can make a
 * message seem to say something else).
 */
const REFUSED: readonly [RegExp, string][] = [
  [/\p{Cs}/u, 'a lone surrogate (broken UTF-16)'],
  [/\p{Cc}/u, 'control characters'],
  [/\p{Bidi_Control}/u, 'text-direction controls'],
  [/[\u{E0000}-\u{E007F}]/u, 'tag characters'],
  [/\p{Co}/u, 'private-use characters'],
  [/\p{Noncharacter_Code_Point}/u, 'noncharacters'],
];

/**
 * Characters that show nothing on their own: spaces, format and default-ignorable characters (zero-width,
 * the Hangul fillers, variation selectors), combining marks without a base, the blank Braille pattern. Inside a
 * visible nickname they stay (an emoji family is joined by zero-width joiners); alone they are an invisible name.
 */
const INVISIBLE_ONLY = /^[\p{White_Space}\p{Cf}\p{Default_Ignorable_Code_Point}\p{M}\u2800]*$/u;

/** NFC, trimmed, 1 to 32 characters that a person can see; INVALID_NICKNAME otherwise. */
export function normalizeNickname(value: string): string {
  // Checked before normalizing: NFC leaves a lone surrogate as it is, and SQLite would store it as U+FFFD.
  const outsideEmojiTags = value.replace(EMOJI_TAG_SEQUENCE, '');
  for (const [pattern, what] of REFUSED) {
    if (pattern.test(outsideEmojiTags)) throw new WeappAuthError('INVALID_NICKNAME', `nickname must not contain ${what}`);
  }
  const nickname = value.normalize('NFC').trim();
  if ([...nickname].length > MAX_NICKNAME) {
    throw new WeappAuthError('INVALID_NICKNAME', `nickname must be at most ${MAX_NICKNAME} characters`);
  }
  if (INVISIBLE_ONLY.test(nickname)) throw new WeappAuthError('INVALID_NICKNAME', 'nickname must contain a visible character');
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
  if (normalized.length > MAX_AVATAR_URL)
    throw new WeappAuthError('VALIDATION_FAILED', `avatarUrl must be at most ${MAX_AVATAR_URL} characters`);
  return normalized;
}
