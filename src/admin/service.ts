import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { OPERATOR } from '../core/request-origin.js';
import type { Sessions } from '../core/sessions.js';
import type { RotationMode, SigningKeyRing } from '../core/tokens/signing-keys.js';
import { type Clock, systemClock } from '../lib/clock.js';
import { compose } from '../server/compose.js';
import type { Config } from '../server/config.js';
import { connectDatabase } from '../store/sql/database.js';
import { assertMigrated } from '../store/sql/migrations.js';
import type { Database } from '../store/sql/schema.js';
import { findAccountsBy, listAccountsOfUser } from '../store/tables/accounts.js';
import { type AuditQuery, listAuditEvents } from '../store/tables/audit-events.js';
import { findSession, listSessionsOfUser } from '../store/tables/sessions.js';
import { findUnionIdentitiesByKey, listUnionIdentitiesOfUser } from '../store/tables/union-identities.js';
import { findUserById, findUsersByPhone, listUsers, type UserRow } from '../store/tables/users.js';
import { maskedConfig } from './config-view.js';
import { type AuditView, auditView, type SessionView, sessionView, type UserView, userView } from './views.js';

export type { AuditQuery } from '../store/tables/audit-events.js';

/** Whom to find: by user id, by an account's subject (any provider's; WeChat's openid), by union key (every family), by phone. */
export type UserQuery = { id: string } | { subject: string } | { unionKey: string } | { phone: string };

/** One session, or every live session of a user. */
export type SessionTarget = { sessionId: string } | { userId: string };

/** What the service stands on: the database, and for the writes the running services. */
export interface AdminBackend {
  db: Kysely<Database>;
  /**
   * Absent when the database was opened only to read. Writes go through the services so that a revocation is
   * audited and announced to every running instance, and a new key joins every instance's ring.
   */
  services?: { sessions: Pick<Sessions, 'revoke'>; signingKeys: Pick<SigningKeyRing, 'rotate'> };
}

/**
 * The operator's queries and actions: find users and their linked accounts, see and revoke sessions, read the audit
 * log, view the configuration, rotate the signing key. The CLI calls it and so will the web console; neither
 * touches a table. It returns views (views.ts): JSON-ready, nothing secret.
 */
export class AdminService {
  constructor(
    private readonly config: Config,
    private readonly clock: Clock,
    private readonly backend?: AdminBackend,
  ) {}

  /** The configuration in force, every secret masked. Needs no database. */
  configView(): Record<string, unknown> {
    return maskedConfig(this.config);
  }

  /** Newest first, with their union keys and linked accounts. */
  async listUsers(limit: number): Promise<UserView[]> {
    return this.#withAccounts(await listUsers(this.#db(), limit));
  }

  async findUsers(query: UserQuery): Promise<UserView[]> {
    const db = this.#db();
    if ('id' in query) return this.#withAccounts(present(await findUserById(db, query.id)));
    if ('phone' in query) return this.#withAccounts(await findUsersByPhone(db, query.phone));
    const owners =
      'subject' in query
        ? await findAccountsBy(db, { subject: query.subject })
        : [...(await findUnionIdentitiesByKey(db, query.unionKey)), ...(await findAccountsBy(db, { unionKey: query.unionKey }))];
    const ids = [...new Set(owners.map((owner) => owner.user_id))];
    const users = await Promise.all(ids.map((id) => findUserById(db, id)));
    return this.#withAccounts(users.filter((user): user is UserRow => user !== undefined));
  }

  /** A user's sessions, active, expired and revoked (and why). */
  async listSessions(userId: string): Promise<SessionView[]> {
    const now = this.clock();
    return (await listSessionsOfUser(this.#db(), userId)).map((session) => sessionView(session, now));
  }

  /** Revokes the session, or every live session of the user; returns the ids revoked. */
  async revokeSessions(target: SessionTarget): Promise<string[]> {
    const { sessions } = this.#services();
    const db = this.#db();
    const targets =
      'sessionId' in target
        ? present(await findSession(db, target.sessionId))
        : (await listSessionsOfUser(db, target.userId)).filter((session) => session.revoked_at === null);
    for (const session of targets) await sessions.revoke({ sessionId: session.id, userId: session.user_id }, 'admin', OPERATOR);
    return targets.map((session) => session.id);
  }

  /** Security events, newest first. */
  async auditEvents(query: AuditQuery): Promise<AuditView[]> {
    return (await listAuditEvents(this.#db(), query)).map(auditView);
  }

  /**
   * Adds a signing key; returns its kid. Running servers see it within a second (of their next request); a
   * scheduled rotation lets JWKS publish it for ten minutes before it signs, and the retired key stays in JWKS until
   * its last token has expired. An immediate one (for a leaked key) signs at once and withdraws the others.
   */
  async rotateSigningKey(mode: RotationMode): Promise<string> {
    return this.#services().signingKeys.rotate(mode);
  }

  async #withAccounts(users: UserRow[]): Promise<UserView[]> {
    const db = this.#db();
    return Promise.all(
      users.map(async (user) => userView(user, await listUnionIdentitiesOfUser(db, user.id), await listAccountsOfUser(db, user.id))),
    );
  }

  #db(): Kysely<Database> {
    if (this.backend === undefined) throw new Error('this admin service was opened without the database');
    return this.backend.db;
  }

  #services(): NonNullable<AdminBackend['services']> {
    if (this.backend?.services === undefined) throw new Error('this admin service was opened to read only');
    return this.backend.services;
  }
}

/**
 * What a piece of admin work opens. `none`: nothing (the configuration is in hand). `read`: the database as it is,
 * neither migrated nor given a signing key nor its mode claimed, and refused (ConfigError) unless its schema is
 * this version's. `write`: the server's composition, as `serve` builds it (migrations when MIGRATE_ON_START, the
 * first signing key, Redis), so that what changes reaches the running instances.
 */
export type AdminAccess = 'none' | 'read' | 'write';

/** Opens what `access` needs, runs `work` on a service over it, and closes it again. */
export async function withAdmin<T>(
  config: Config,
  logger: Logger,
  access: AdminAccess,
  work: (admin: AdminService) => Promise<T>,
): Promise<T> {
  if (access === 'none') return work(new AdminService(config, systemClock));
  if (access === 'read') {
    const database = await connectDatabase(config.databaseUrl, { create: false });
    try {
      await assertMigrated(database.db, config.databaseUrl);
      return await work(new AdminService(config, systemClock, { db: database.db }));
    } finally {
      await database.close();
    }
  }
  const composition = await compose(config, systemClock, logger);
  try {
    return await work(new AdminService(config, systemClock, { db: composition.database.db, services: composition.services }));
  } finally {
    await composition.close();
  }
}

function present<T>(value: T | undefined): T[] {
  return value === undefined ? [] : [value];
}
