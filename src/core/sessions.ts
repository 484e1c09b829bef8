import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Clock } from '../lib/clock.js';
import { constantTimeEqual, sha256Hex } from '../lib/crypto/random.js';
import { type ErrorCode, WeappAuthError } from '../lib/errors.js';
import { growingLru } from '../lib/growing-lru.js';
import type { Kv } from '../store/kv/kv.js';
import { runTransaction } from '../store/sql/run-transaction.js';
import type { Database } from '../store/sql/schema.js';
import {
  findRefreshToken,
  hasUsedChild,
  insertRefreshToken,
  markRefreshTokenUsed,
  type RefreshTokenRow,
  spendSiblings,
} from '../store/tables/refresh-tokens.js';
import { findSession, insertSession, revokeSession, type SessionRow, touchSession } from '../store/tables/sessions.js';
import type { AuditLog } from './audit.js';
import type { RateLimiter } from './rate-limiter.js';
import type { RequestOrigin } from './request-origin.js';
import type { AccessClaims, AccessTokens } from './tokens/access-tokens.js';
import { newRefreshToken, parseRefreshToken } from './tokens/refresh-token-format.js';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  /** Seconds until the access token expires. */
  expiresIn: number;
}

export interface SessionsDeps {
  db: Kysely<Database>;
  accessTokens: AccessTokens;
  /** Where revocations are announced to every instance. */
  kv: Kv;
  limiter: RateLimiter;
  audit: AuditLog;
  clock: Clock;
  /** A session lives this long from its last refresh. */
  refreshTtlSeconds: number;
  /** A spent refresh token presented again within this window is a lost answer's retry, not theft. */
  refreshReuseGraceSeconds: number;
  /** Refreshes per minute per account (0 = unlimited), counted across instances. */
  refreshesPerOpenidPerMinute: number;
}

export type RevokeReason = 'logout' | 'refresh_token_reused' | 'admin';

interface SessionStatus {
  userId: string;
  revoked: boolean;
  expiresAt: number;
}

/**
 * How long an instance trusts what it last read about a session. A revocation is announced on the shared kv and
 * drops the entry on every instance at once; this window bounds staleness should an announcement be lost.
 */
const STATUS_CACHE_MS = 1_000;

/**
 * Sessions whose status an instance keeps: a one-second entry is worth keeping only for sessions that call again
 * within that second, and 10,000 of them per instance is more than it serves.
 */
const STATUS_CACHE_SIZE = 10_000;
const REVOKED_CHANNEL = 'session-revoked';
const TOKEN_REJECTIONS = new Set<ErrorCode>(['TOKEN_INVALID', 'TOKEN_EXPIRED', 'SESSION_REVOKED', 'SESSION_EXPIRED']);

/** Sessions and their rotating refresh tokens. */
export class Sessions {
  readonly #status = growingLru<string, SessionStatus>(STATUS_CACHE_SIZE, STATUS_CACHE_MS);

  constructor(private readonly deps: SessionsDeps) {}

  /** Starts hearing revocations made by other instances. */
  async listen(): Promise<void> {
    await this.deps.kv.subscribe(REVOKED_CHANNEL, (sessionId) => this.#status.delete(sessionId));
  }

  /** Opens a session for a user who just logged in to an app through a provider, and issues its first tokens. */
  async start(
    account: { userId: string; provider: string; app: string; subject: string },
    origin: RequestOrigin,
  ): Promise<TokenPair & { sessionId: string }> {
    const now = this.deps.clock();
    const session: SessionRow = {
      id: uuidv7(),
      user_id: account.userId,
      provider: account.provider,
      app: account.app,
      subject: account.subject,
      created_at: now,
      last_used_at: now,
      expires_at: this.refreshExpiry(now),
      revoked_at: null,
      revoke_reason: null,
      user_agent: origin.userAgent?.slice(0, 512) ?? null,
      ip: origin.ip,
    };
    const refresh = newRefreshToken();
    await runTransaction(this.deps.db, 'deadlock', async (tx) => {
      await insertSession(tx, session);
      await insertRefreshToken(tx, this.refreshRow(refresh.id, refresh.secretHash, session.id, null, now));
    });
    return { ...(await this.pair(session, refresh.token)), sessionId: session.id };
  }

  /**
   * Rotates a refresh token: the presented one is spent and a new one issued. A spent token presented again is
   * treated as theft and the whole session revoked, unless it comes within the grace window and the chain has
   * not moved on since (a client retrying a request whose answer it lost).
   */
  async refresh(refreshToken: string, origin: RequestOrigin): Promise<TokenPair & { userId: string }> {
    const parts = parseRefreshToken(refreshToken);
    const row = parts === undefined ? undefined : await findRefreshToken(this.deps.db, parts.id);
    if (parts === undefined || row === undefined || !constantTimeEqual(sha256Hex(parts.secret), row.secret_hash)) {
      throw new WeappAuthError('REFRESH_TOKEN_INVALID', 'the refresh token is not valid');
    }
    const now = this.deps.clock();
    const session = await findSession(this.deps.db, row.session_id);
    if (session === undefined) throw new WeappAuthError('REFRESH_TOKEN_INVALID', 'the refresh token is not valid');
    assertLive(statusOf(session), now);
    const account = `${session.provider}:${session.app}:${session.subject}`;
    await this.deps.limiter.hit(`refresh:${account}`, this.deps.refreshesPerOpenidPerMinute);
    if (Number(row.expires_at) <= now) {
      throw new WeappAuthError('REFRESH_TOKEN_EXPIRED', 'the refresh token has expired; log in again');
    }

    const next = newRefreshToken();
    const outcome = await runTransaction(this.deps.db, 'deadlock', async (tx): Promise<'rotated' | 'reused'> => {
      const won = await markRefreshTokenUsed(tx, row.id, now);
      if (!won && !(await this.withinReuseGrace(tx, row, now))) return 'reused';
      // A grace-window retry leaves siblings (children of one parent). The first one used ends the others, so the
      // chain cannot fork: whoever presents another sibling later is caught as a reuse.
      if (row.parent_id !== null) await spendSiblings(tx, row.parent_id, row.id);
      await insertRefreshToken(tx, this.refreshRow(next.id, next.secretHash, session.id, row.id, now));
      await touchSession(tx, session.id, now, this.refreshExpiry(now));
      return 'rotated';
    });
    const facts = { userId: session.user_id, sessionId: session.id, provider: session.provider, app: session.app };
    if (outcome === 'reused') {
      await this.deps.audit.record('refresh_token_reused', facts, origin);
      await this.revoke({ sessionId: session.id, userId: session.user_id }, 'refresh_token_reused', origin);
      throw new WeappAuthError('REFRESH_TOKEN_REUSED', 'this refresh token was already used; the session has been revoked');
    }
    await this.deps.audit.record('refresh', facts, origin);
    return { ...(await this.pair(session, next.token)), userId: session.user_id };
  }

  /** Ends a session: its refresh tokens stop working at once, its access tokens at their next check. */
  async revoke({ sessionId, userId }: { sessionId: string; userId: string }, reason: RevokeReason, origin: RequestOrigin): Promise<void> {
    const revoked = await revokeSession(this.deps.db, sessionId, reason, this.deps.clock());
    this.#status.delete(sessionId);
    if (revoked) {
      const type = reason === 'logout' ? 'logout' : 'session_revoked';
      await this.deps.audit.record(type, { userId, sessionId, details: { reason } }, origin);
    }
    await this.deps.kv.publish(REVOKED_CHANNEL, sessionId);
  }

  /** Throws unless the session exists, belongs to `userId`, is not revoked and has not expired. */
  async assertActive(sessionId: string, userId: string): Promise<void> {
    let status = this.#status.get(sessionId);
    if (status === undefined) {
      const row = await findSession(this.deps.db, sessionId);
      if (row === undefined) throw new WeappAuthError('SESSION_REVOKED', 'the session no longer exists');
      status = statusOf(row);
      this.#status.set(sessionId, status);
    }
    if (status.userId !== userId) throw new WeappAuthError('TOKEN_INVALID', 'the access token does not match its session');
    assertLive(status, this.deps.clock());
  }

  /** The claims of an access token that verifies and whose session is live; undefined for any other token. */
  async activeClaims(accessToken: string): Promise<AccessClaims | undefined> {
    try {
      const claims = await this.deps.accessTokens.verify(accessToken);
      await this.assertActive(claims.sessionId, claims.userId);
      return claims;
    } catch (error) {
      if (error instanceof WeappAuthError && TOKEN_REJECTIONS.has(error.code)) return undefined;
      throw error;
    }
  }

  /**
   * Grace 0 means single use, whoever came first: a racing loser's clock read often precedes the winner's used_at,
   * so "elapsed" can be negative and must never count as inside a zero window. With a window, the distance either
   * way counts: a little negative is a concurrent retry, a lot negative is an instance whose clock lags, which
   * must not stretch the window.
   */
  private async withinReuseGrace(db: Kysely<Database>, row: RefreshTokenRow, now: number): Promise<boolean> {
    const graceMs = this.deps.refreshReuseGraceSeconds * 1000;
    if (graceMs === 0) return false;
    const current = await findRefreshToken(db, row.id);
    const usedAt = current?.used_at === null || current === undefined ? now : Number(current.used_at);
    return Math.abs(now - usedAt) <= graceMs && !(await hasUsedChild(db, row.id));
  }

  private refreshRow(id: string, secretHash: string, sessionId: string, parentId: string | null, now: number): RefreshTokenRow {
    return {
      id,
      session_id: sessionId,
      secret_hash: secretHash,
      parent_id: parentId,
      created_at: now,
      expires_at: this.refreshExpiry(now),
      used_at: null,
    };
  }

  /** Refresh tokens, and the session with them, live REFRESH_TOKEN_TTL from their last use. */
  private refreshExpiry(now: number): number {
    return now + this.deps.refreshTtlSeconds * 1000;
  }

  private async pair(session: SessionRow, refreshToken: string): Promise<TokenPair> {
    const access = await this.deps.accessTokens.issue({
      userId: session.user_id,
      sessionId: session.id,
      provider: session.provider,
      app: session.app,
    });
    return { accessToken: access.token, refreshToken, tokenType: 'Bearer', expiresIn: access.expiresIn };
  }
}

function statusOf(row: SessionRow): SessionStatus {
  return { userId: row.user_id, revoked: row.revoked_at !== null, expiresAt: Number(row.expires_at) };
}

function assertLive(status: SessionStatus, now: number): void {
  if (status.revoked) throw new WeappAuthError('SESSION_REVOKED', 'the session has been revoked; log in again');
  if (status.expiresAt <= now) throw new WeappAuthError('SESSION_EXPIRED', 'the session has expired; log in again');
}
