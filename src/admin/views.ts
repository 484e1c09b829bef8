import type { AccountRow } from '../store/tables/accounts.js';
import type { AuditEventRow } from '../store/tables/audit-events.js';
import type { SessionRow } from '../store/tables/sessions.js';
import type { UnionIdentityRow } from '../store/tables/union-identities.js';
import type { UserRow } from '../store/tables/users.js';

/**
 * What the admin service answers (and the CLI prints): everything an operator needs to find and help a user,
 * nothing secret (no sealed session keys, no token hashes).
 */
export interface UserView {
  id: string;
  /** Cross-app keys linked to the user: WeChat's unionid is family 'wechat'. */
  unions: { family: string; key: string }[];
  nickname: string | null;
  phone: string | null;
  createdAt: string;
  /** Linked accounts: WeChat's are (wechat, appid, openid); secretUpdatedAt is when the session_key last changed. */
  accounts: { provider: string; app: string; subject: string; secretUpdatedAt: string | null }[];
}

export function userView(user: UserRow, unions: UnionIdentityRow[], accounts: AccountRow[]): UserView {
  return {
    id: user.id,
    unions: unions.map((union) => ({ family: union.family, key: union.union_key })),
    nickname: user.nickname,
    phone: user.phone_number,
    createdAt: iso(user.created_at),
    accounts: accounts.map((account) => ({
      provider: account.provider,
      app: account.app,
      subject: account.subject,
      secretUpdatedAt: account.secret_updated_at === null ? null : iso(account.secret_updated_at),
    })),
  };
}

/** A session as an operator sees it: its state (active, expired, revoked and why), where and when it was used. */
export type SessionView = Record<string, string | null>;

/** An audit event with its details parsed. */
export type AuditView = Record<string, unknown>;

export function sessionView(session: SessionRow, now: number): SessionView {
  const state =
    session.revoked_at !== null
      ? `revoked (${session.revoke_reason ?? 'unknown'})`
      : Number(session.expires_at) <= now
        ? 'expired'
        : 'active';
  return {
    id: session.id,
    state,
    provider: session.provider,
    app: session.app,
    createdAt: iso(session.created_at),
    lastUsedAt: iso(session.last_used_at),
    expiresAt: iso(session.expires_at),
    revokedAt: session.revoked_at === null ? null : iso(session.revoked_at),
    ip: session.ip,
    userAgent: session.user_agent,
  };
}

export function auditView(event: AuditEventRow): AuditView {
  return {
    at: iso(event.at),
    type: event.type,
    userId: event.user_id,
    sessionId: event.session_id,
    provider: event.provider,
    app: event.app,
    requestId: event.request_id,
    ip: event.ip,
    userAgent: event.user_agent,
    details: event.details === null ? null : (JSON.parse(event.details) as unknown),
  };
}

function iso(ms: number): string {
  return new Date(Number(ms)).toISOString();
}
