import { parseArgs } from 'node:util';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { OPERATOR, type RequestOrigin } from '../core/request-origin.js';
import { systemClock } from '../lib/clock.js';
import { compose } from '../server/compose.js';
import type { Config } from '../server/config.js';
import type { Database } from '../store/sql/schema.js';
import { findAccountsBy, listAccountsOfUser } from '../store/tables/accounts.js';
import { listAuditEvents } from '../store/tables/audit-events.js';
import { findSession, listSessionsOfUser } from '../store/tables/sessions.js';
import { findUnionIdentitiesByKey, listUnionIdentitiesOfUser } from '../store/tables/union-identities.js';
import { findUserById, findUsersByPhone, listUsers, type UserRow } from '../store/tables/users.js';
import { maskedConfig } from './config-view.js';
import { auditView, sessionView, type UserView, userView } from './views.js';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

type Print = (value: unknown) => void;

/**
 * The operator's commands: find users, see and revoke their sessions, read the audit log, print the config.
 * They run on the same composition as the server (same database, same Redis), so a revocation here is announced
 * to every running instance.
 */
export async function adminCommand(argv: string[], config: Config, logger: Logger, print: Print): Promise<void> {
  const [group, action, ...rest] = argv;
  if (group === 'config') return print(maskedConfig(config));
  const composition = await compose(config, systemClock, logger);
  try {
    const db = composition.database.db;
    if (group === 'audit') return print((await listAuditEvents(db, auditQuery(argv.slice(1)))).map(auditView));
    switch (`${group} ${action}`) {
      case 'users list':
        return print(await usersWithAccounts(db, await listUsers(db, limitOf(rest))));
      case 'users find':
        return print(await usersWithAccounts(db, await findUsers(db, rest)));
      case 'sessions list': {
        const { user } = options(rest, { user: true });
        return print((await listSessionsOfUser(db, user)).map((session) => sessionView(session, Date.now())));
      }
      case 'sessions revoke':
        return print({ revoked: await revoke(db, composition.services.sessions, rest) });
      default:
        throw new UsageError(`unknown command "${argv.join(' ')}"`);
    }
  } finally {
    await composition.close();
  }
}

async function usersWithAccounts(db: Kysely<Database>, users: UserRow[]): Promise<UserView[]> {
  return Promise.all(
    users.map(async (user) => userView(user, await listUnionIdentitiesOfUser(db, user.id), await listAccountsOfUser(db, user.id))),
  );
}

/** --openid is WeChat's name for an account's subject; --subject finds any provider's. --unionid looks in every family. */
async function findUsers(db: Kysely<Database>, args: string[]): Promise<UserRow[]> {
  const by = options(args, { id: false, openid: false, subject: false, unionid: false, phone: false });
  const given = Object.entries(by).filter(([, value]) => value !== undefined);
  if (given.length !== 1) throw new UsageError('users find needs exactly one of --id, --openid, --subject, --unionid, --phone');
  if (by.id !== undefined) return present(await findUserById(db, by.id));
  if (by.phone !== undefined) return findUsersByPhone(db, by.phone);
  const subject = by.openid ?? by.subject;
  const owners =
    subject !== undefined
      ? await findAccountsBy(db, { subject })
      : [...(await findUnionIdentitiesByKey(db, by.unionid ?? '')), ...(await findAccountsBy(db, { unionKey: by.unionid ?? '' }))];
  const ids = [...new Set(owners.map((owner) => owner.user_id))];
  return (await Promise.all(ids.map((id) => findUserById(db, id)))).filter((user): user is UserRow => user !== undefined);
}

async function revoke(
  db: Kysely<Database>,
  sessions: { revoke(session: { sessionId: string; userId: string }, reason: 'admin', origin: RequestOrigin): Promise<void> },
  args: string[],
): Promise<string[]> {
  const by = options(args, { session: false, user: false });
  if ((by.session === undefined) === (by.user === undefined)) throw new UsageError('sessions revoke needs --session ID or --user ID');
  const targets =
    by.session !== undefined
      ? present(await findSession(db, by.session))
      : (await listSessionsOfUser(db, by.user ?? '')).filter((session) => session.revoked_at === null);
  for (const session of targets) await sessions.revoke({ sessionId: session.id, userId: session.user_id }, 'admin', OPERATOR);
  return targets.map((session) => session.id);
}

function auditQuery(args: string[]): { userId?: string; type?: string; since?: number; limit: number } {
  const { user, type, since, limit } = options(args, { user: false, type: false, since: false, limit: false });
  const sinceMs = since === undefined ? undefined : Date.parse(since);
  if (sinceMs !== undefined && Number.isNaN(sinceMs)) throw new UsageError(`--since must be a date, got "${since}"`);
  return {
    ...(user === undefined ? {} : { userId: user }),
    ...(type === undefined ? {} : { type }),
    ...(sinceMs === undefined ? {} : { since: sinceMs }),
    limit: limitOf(limit === undefined ? [] : ['--limit', limit]),
  };
}

function limitOf(args: string[]): number {
  const { limit } = options(args, { limit: false });
  const value = limit === undefined ? 50 : Number(limit);
  if (!Number.isInteger(value) || value < 1 || value > 10_000) throw new UsageError(`--limit must be 1 to 10000, got "${limit}"`);
  return value;
}

/** String options by name; `true` marks a required one. Unknown options and positionals are usage errors. */
function options<T extends Record<string, boolean>>(
  args: string[],
  spec: T,
): { [K in keyof T]: T[K] extends true ? string : string | undefined } {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args,
      options: Object.fromEntries(Object.keys(spec).map((name) => [name, { type: 'string' as const }])),
      strict: true,
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  for (const [name, required] of Object.entries(spec)) {
    if (required && values[name] === undefined) throw new UsageError(`--${name} is required`);
  }
  return values as { [K in keyof T]: T[K] extends true ? string : string | undefined };
}

function present<T>(value: T | undefined): T[] {
  return value === undefined ? [] : [value];
}
