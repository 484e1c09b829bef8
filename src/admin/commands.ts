import { parseArgs } from 'node:util';
import type { Logger } from 'pino';
import type { Config } from '../server/config.js';
import { type AdminAccess, type AdminService, type AuditQuery, type SessionTarget, type UserQuery, withAdmin } from './service.js';
import { UsageError } from './usage-error.js';

/** Prints what a command answers: JSON-ready values, or a line of text. */
type Print = (value: unknown) => void;

/** A command: what it opens, and its arguments parsed (before anything is opened) into the work it does. */
interface Command {
  access: AdminAccess;
  parse(args: string[]): (admin: AdminService) => Promise<unknown>;
}

/**
 * The operator's commands, by `group action` (or `group` alone). Only `sessions revoke` and `keys rotate` write;
 * the others open the database as it is and refuse one that is not migrated (service.ts, AdminAccess).
 */
const COMMANDS: ReadonlyMap<string, Command> = new Map<string, Command>([
  ['config', { access: 'none', parse: () => async (admin) => admin.configView() }],
  [
    'audit',
    {
      access: 'read',
      parse: (args) => {
        const query = auditQuery(args);
        return (admin) => admin.auditEvents(query);
      },
    },
  ],
  [
    'users list',
    {
      access: 'read',
      parse: (args) => {
        const limit = limitOf(args);
        return (admin) => admin.listUsers(limit);
      },
    },
  ],
  [
    'users find',
    {
      access: 'read',
      parse: (args) => {
        const query = userQuery(args);
        return (admin) => admin.findUsers(query);
      },
    },
  ],
  [
    'sessions list',
    {
      access: 'read',
      parse: (args) => {
        const { user } = options(args, { user: true });
        return (admin) => admin.listSessions(user);
      },
    },
  ],
  [
    'sessions revoke',
    {
      access: 'write',
      parse: (args) => {
        const target = sessionTarget(args);
        return async (admin) => ({ revoked: await admin.revokeSessions(target) });
      },
    },
  ],
  [
    'keys rotate',
    {
      access: 'write',
      parse: (args) => {
        const mode = args.length === 0 ? 'scheduled' : args.length === 1 && args[0] === '--now' ? 'immediate' : undefined;
        if (mode === undefined) throw new UsageError(`keys rotate takes only --now, got "${args.join(' ')}"`);
        return async (admin) => `new signing key: ${await admin.rotateSigningKey(mode)}`;
      },
    },
  ],
]);

/**
 * Runs an operator's command (`users list`, `audit --user ID`, `keys rotate --now`, …) through the admin service and
 * prints its answer. Arguments are checked before anything is opened: a usage error touches no database.
 */
export async function adminCommand(argv: string[], config: Config, logger: Logger, print: Print): Promise<void> {
  const [group, action] = argv;
  const paired = COMMANDS.get(`${group} ${action}`);
  const command = paired ?? COMMANDS.get(group ?? '');
  if (command === undefined) throw new UsageError(`unknown command "${argv.join(' ')}"`);
  const work = command.parse(argv.slice(paired === undefined ? 1 : 2));
  print(await withAdmin(config, logger, command.access, work));
}

/** --openid is WeChat's name for an account's subject; --subject finds any provider's. --unionid looks in every family. */
function userQuery(args: string[]): UserQuery {
  const by = options(args, { id: false, openid: false, subject: false, unionid: false, phone: false });
  const given = Object.values(by).filter((value) => value !== undefined);
  if (given.length !== 1) throw new UsageError('users find needs exactly one of --id, --openid, --subject, --unionid, --phone');
  if (by.id !== undefined) return { id: by.id };
  if (by.phone !== undefined) return { phone: by.phone };
  if (by.unionid !== undefined) return { unionKey: by.unionid };
  return { subject: by.openid ?? by.subject ?? '' };
}

function sessionTarget(args: string[]): SessionTarget {
  const by = options(args, { session: false, user: false });
  if (by.session !== undefined && by.user === undefined) return { sessionId: by.session };
  if (by.user !== undefined && by.session === undefined) return { userId: by.user };
  throw new UsageError('sessions revoke needs --session ID or --user ID');
}

function auditQuery(args: string[]): AuditQuery {
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
