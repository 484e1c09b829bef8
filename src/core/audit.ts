import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import type { Clock } from '../lib/clock.js';
import type { Database } from '../store/sql/schema.js';
import { insertAuditEvent } from '../store/tables/audit-events.js';
import type { RequestOrigin } from './request-origin.js';

/** The security events an operator may need to reconstruct what happened to an account. */
export type AuditEventType =
  | 'login'
  | 'user_created'
  | 'login_failed'
  | 'refresh'
  | 'refresh_token_reused'
  | 'logout'
  | 'session_revoked'
  | 'account_superseded'
  | 'decrypt_failed'
  | 'session_key_reset';

export interface AuditFacts {
  userId?: string | null;
  sessionId?: string | null;
  provider?: string | null;
  app?: string | null;
  /** Non-secret facts (an error code, a diagnosis). Never tokens, keys or codes. */
  details?: Record<string, string | number | boolean>;
}

export interface AuditLogDeps {
  db: Kysely<Database>;
  clock: Clock;
  /** Told of a write that failed. */
  logger: Pick<Logger, 'warn'>;
}

/**
 * Writes security events to the database with the id, IP and user agent of the request that caused them. A failed write is logged and
 * does not fail the user's request: the event itself (a login, a logout) has already happened.
 */
export class AuditLog {
  constructor(private readonly deps: AuditLogDeps) {}

  async record(type: AuditEventType, facts: AuditFacts, origin: RequestOrigin): Promise<void> {
    try {
      await insertAuditEvent(this.deps.db, {
        id: uuidv7(),
        at: this.deps.clock(),
        type,
        user_id: facts.userId ?? null,
        session_id: facts.sessionId ?? null,
        provider: facts.provider ?? null,
        app: facts.app ?? null,
        request_id: origin.requestId,
        ip: origin.ip,
        user_agent: origin.userAgent?.slice(0, 512) ?? null,
        details: facts.details === undefined ? null : JSON.stringify(facts.details),
      });
    } catch (error) {
      this.deps.logger.warn({ err: error, auditType: type }, 'audit event not written');
    }
  }
}
