/**
 * The database as Kysely sees it. Times are epoch milliseconds in BIGINT columns: one representation that
 * SQLite, PostgreSQL and MySQL store and compare alike, with no time-zone conversions in drivers.
 */
export interface Database {
  users: UsersTable;
  accounts: AccountsTable;
  union_identities: UnionIdentitiesTable;
  sessions: SessionsTable;
  refresh_tokens: RefreshTokensTable;
  signing_keys: SigningKeysTable;
  audit_events: AuditEventsTable;
  settings: SettingsTable;
}

/** Facts about the database itself, by name (see store/tables/database-mode.ts). */
export interface SettingsTable {
  name: string;
  value: string;
  updated_at: number;
}

export interface AuditEventsTable {
  id: string;
  at: number;
  type: string;
  user_id: string | null;
  session_id: string | null;
  /** Null on events written by 0.1, which were all WeChat's. */
  provider: string | null;
  app: string | null;
  request_id: string | null;
  ip: string | null;
  user_agent: string | null;
  /** JSON: facts about the event, never a secret. */
  details: string | null;
}

export interface UsersTable {
  id: string;
  nickname: string | null;
  avatar_url: string | null;
  /** As WeChat's phoneNumber: foreign numbers carry their country prefix. */
  phone_number: string | null;
  phone_pure_number: string | null;
  phone_country_code: string | null;
  /** 1 while the user is known only by a device (a Douyin guest), 0 once a real login joins them. */
  guest: number;
  created_at: number;
  updated_at: number;
}

/** An identity at a provider, in one app, linked to a user: WeChat's (appid, openid), and every later platform's. */
export interface AccountsTable {
  provider: string;
  app: string;
  subject: string;
  user_id: string;
  /** The cross-app key the provider last reported for this account (WeChat's unionid), and its family. */
  union_family: string | null;
  union_key: string | null;
  /** The provider's per-account secret (WeChat's session_key), AES-256-GCM sealed; never stored or logged in clear. */
  secret_sealed: string | null;
  secret_updated_at: number | null;
  created_at: number;
}

/** Which user a cross-app key belongs to: one row per (family, key), so racing first logins make one user. */
export interface UnionIdentitiesTable {
  family: string;
  union_key: string;
  user_id: string;
  created_at: number;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  provider: string;
  app: string;
  subject: string;
  created_at: number;
  last_used_at: number;
  expires_at: number;
  revoked_at: number | null;
  revoke_reason: string | null;
  user_agent: string | null;
  ip: string | null;
}

export interface RefreshTokensTable {
  id: string;
  session_id: string;
  /** SHA-256 of the token's secret half; the token itself is never stored. */
  secret_hash: string;
  parent_id: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface SigningKeysTable {
  kid: string;
  algorithm: string;
  public_jwk: string;
  /** The private JWK, AES-256-GCM sealed with the data-encryption key. */
  private_jwk_sealed: string;
  created_at: number;
  retired_at: number | null;
}
