import type { Kysely } from 'kysely';
import { ConfigError } from '../../lib/config-error.js';
import { redactUrl } from '../sql/database-url.js';
import type { Database } from '../sql/schema.js';

/** Who vouches for the users in a database: the simulator (anyone can mint any openid) or the real WeChat. */
export type DatabaseMode = 'simulator' | 'wechat';

/** The mode a server starts in, and the appid of the simulator's built-in app (what tells its accounts apart). */
export interface ModeClaim {
  mode: DatabaseMode;
  simulatorAppid: string;
}

const MODE = 'mode';

/**
 * Records, on a server's first start, which mode the database serves, and refuses a start in the other one.
 * Simulator mode over real users would let anyone log in as any of them; real WeChat over simulated ones would
 * honour accounts, phone numbers and sessions that anyone could have minted for any openid.
 * A database from before the record is judged by its accounts: any outside the simulator's built-in app make it a
 * real WeChat database (simulated openids look exactly like WeChat's, so the appid is the only tell).
 */
export async function claimDatabaseMode(db: Kysely<Database>, claim: ModeClaim, databaseUrl: string, now: number): Promise<void> {
  const { mode } = claim;
  let recorded = await recordedMode(db);
  if (recorded === undefined) {
    const value = (await inferredMode(db, claim.simulatorAppid)) ?? mode;
    try {
      await db.insertInto('settings').values({ name: MODE, value, updated_at: now }).execute();
    } catch (error) {
      // Another instance starting at the same moment recorded it first: theirs stands.
      if ((await recordedMode(db)) === undefined) throw error;
    }
    recorded = await recordedMode(db);
  }
  if (recorded !== mode) throw new ConfigError(refusal(recorded ?? mode, redactUrl(databaseUrl)));
}

async function recordedMode(db: Kysely<Database>): Promise<DatabaseMode | undefined> {
  const row = await db.selectFrom('settings').select('value').where('name', '=', MODE).executeTakeFirst();
  return row?.value as DatabaseMode | undefined;
}

/** undefined for a database with no users yet: whoever starts first decides. */
async function inferredMode(db: Kysely<Database>, simulatorAppid: string): Promise<DatabaseMode | undefined> {
  const wechatAccounts = db.selectFrom('accounts').select('app').where('provider', '=', 'wechat');
  const real = await wechatAccounts.where('app', '<>', simulatorAppid).limit(1).executeTakeFirst();
  if (real !== undefined) return 'wechat';
  const simulated = await wechatAccounts.limit(1).executeTakeFirst();
  return simulated === undefined ? undefined : 'simulator';
}

function refusal(recorded: DatabaseMode, where: string): string {
  const move = 'Point DATABASE_URL (or DATA_DIR, for the default SQLite file) at another database';
  if (recorded === 'wechat') {
    return (
      `the database ${where} serves users of the real WeChat: simulator mode, in which anyone can log in as any openid, ` +
      `will not start on it. ${move} for the simulator, or set WECHAT_APPID and WECHAT_SECRET to serve it.`
    );
  }
  return (
    `the database ${where} was made in simulator mode: its users and sessions are simulated, minted by whoever reached ` +
    `the simulator, and the real WeChat will not start on it. ${move}, or delete this one (it holds no real user).`
  );
}
