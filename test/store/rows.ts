import { v7 as uuidv7 } from 'uuid';
import { randomToken } from '../../src/lib/crypto/random.js';
import type { AccountRow } from '../../src/store/tables/accounts.js';
import type { RefreshTokenRow } from '../../src/store/tables/refresh-tokens.js';
import type { SessionRow } from '../../src/store/tables/sessions.js';
import type { SigningKeyRow } from '../../src/store/tables/signing-keys.js';
import type { UserRow } from '../../src/store/tables/users.js';

/**
 * Row factories for the conformance suite: every row unique (the suite shares one database per file), every
 * column filled with the nulls a fresh row has. Times are epoch milliseconds above 2^32, so a driver that
 * truncated BIGINT to 32 bits or returned it as a string would show.
 */
export const T0 = 1_764_000_000_123;

/** A time no other test uses, for telling this test's rows from the rest of the shared database. */
export function uniqueTime(): number {
  return T0 + Math.floor(Math.random() * 1_000_000_000);
}

/** WeChat-shaped ids: mixed case, so a case-insensitive collation would be caught conflating them. */
export function openid(): string {
  return `oX${randomToken(18)}`;
}

export function userRow(overrides: Partial<UserRow> = {}): UserRow {
  return {
    id: uuidv7(),
    nickname: null,
    avatar_url: null,
    phone_number: null,
    phone_pure_number: null,
    phone_country_code: null,
    guest: 0,
    created_at: T0,
    updated_at: T0,
    ...overrides,
  };
}

/** A WeChat account unless overridden: (wechat, appid, openid) with a sealed session_key. */
export function accountRow(userId: string, overrides: Partial<AccountRow> = {}): AccountRow {
  return {
    provider: 'wechat',
    app: 'wx00000000000000a1',
    subject: openid(),
    user_id: userId,
    union_family: null,
    union_key: null,
    secret_sealed: `v1.${randomToken(12)}.${randomToken(16)}.${randomToken(16)}`,
    secret_updated_at: T0,
    created_at: T0,
    ...overrides,
  };
}

export function sessionRow(userId: string, overrides: Partial<SessionRow> = {}): SessionRow {
  return {
    id: uuidv7(),
    user_id: userId,
    provider: 'wechat',
    app: 'wx00000000000000a1',
    subject: openid(),
    created_at: T0,
    last_used_at: T0,
    expires_at: T0 + 30 * 86_400_000,
    revoked_at: null,
    revoke_reason: null,
    user_agent: null,
    ip: null,
    ...overrides,
  };
}

export function refreshTokenRow(sessionId: string, overrides: Partial<RefreshTokenRow> = {}): RefreshTokenRow {
  return {
    id: randomToken(16),
    session_id: sessionId,
    secret_hash: 'a'.repeat(64),
    parent_id: null,
    created_at: T0,
    expires_at: T0 + 30 * 86_400_000,
    used_at: null,
    ...overrides,
  };
}

export function signingKeyRow(overrides: Partial<SigningKeyRow> = {}): SigningKeyRow {
  return {
    kid: randomToken(32),
    algorithm: 'EdDSA',
    // Longer than any varchar(255): the JWK columns must be unbounded text on every engine.
    public_jwk: JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: randomToken(32), padding: 'p'.repeat(400) }),
    private_jwk_sealed: `v1.${randomToken(600)}`,
    created_at: T0,
    retired_at: null,
    ...overrides,
  };
}
