import type { AuditEventRow } from '../store/audit-events.js';
import type { SessionRow } from '../store/sessions.js';
import type { UserRow } from '../store/users.js';
import type { WechatAccountRow } from '../store/wechat-accounts.js';

/**
 * What the admin CLI prints: everything an operator needs to find and help a user, nothing secret (no sealed
 * session keys, no token hashes).
 */
export interface UserView {
  id: string;
  unionid: string | null;
  nickname: string | null;
  phone: string | null;
  createdAt: string;
  accounts: { appid: string; openid: string; sessionKeyUpdatedAt: string }[];
}

export function userView(user: UserRow, accounts: WechatAccountRow[]): UserView {
  return {
    id: user.id,
    unionid: user.unionid,
    nickname: user.nickname,
    phone: user.phone_number,
    createdAt: iso(user.created_at),
    accounts: accounts.map((account) => ({ appid: account.appid, openid: account.openid, sessionKeyUpdatedAt: iso(account.session_key_updated_at) })),
  };
}

export function sessionView(session: SessionRow, now: number): Record<string, string | null> {
  const state = session.revoked_at !== null ? `revoked (${session.revoke_reason ?? 'unknown'})` : Number(session.expires_at) <= now ? 'expired' : 'active';
  return {
    id: session.id,
    state,
    appid: session.appid,
    createdAt: iso(session.created_at),
    lastUsedAt: iso(session.last_used_at),
    expiresAt: iso(session.expires_at),
    revokedAt: session.revoked_at === null ? null : iso(session.revoked_at),
    ip: session.ip,
    userAgent: session.user_agent,
  };
}

export function auditView(event: AuditEventRow): Record<string, unknown> {
  return {
    at: iso(event.at),
    type: event.type,
    userId: event.user_id,
    sessionId: event.session_id,
    appid: event.appid,
    requestId: event.request_id,
    ip: event.ip,
    userAgent: event.user_agent,
    details: event.details === null ? null : (JSON.parse(event.details) as unknown),
  };
}

function iso(ms: number): string {
  return new Date(Number(ms)).toISOString();
}
