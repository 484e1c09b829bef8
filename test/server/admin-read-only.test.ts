import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adminCommand } from '../../src/admin/commands.js';
import { createLogger } from '../../src/observability/logging.js';
import { type Config, ConfigError, loadConfig } from '../../src/server/config.js';
import { openDatabase } from '../../src/store/sql/database.js';
import { migrateToLatest } from '../../src/store/sql/migrations.js';
import { loadV01Database } from '../support/legacy-database.js';
import { runCli } from '../support/processes.js';
import { createTestDatabase, type TestDatabase, testEngine } from '../support/test-databases.js';

/**
 * The commands that only read (users, sessions list, audit, config) leave the database as they find it: no
 * migration, no signing key, no mode claimed, no data-encryption key generated. One that is not migrated is
 * refused with what to run, exit 78 like every other refusal.
 */

const APP = { WECHAT_APPID: 'wx0123456789abcdef', WECHAT_SECRET: 'the-app-secret' };
const READ_ONLY_COMMANDS = [
  ['users', 'list'],
  ['users', 'find', '--openid', 'oNobody'],
  ['sessions', 'list', '--user', 'nobody'],
  ['audit', '--limit', '5'],
  ['config'],
];

let dir: string;
let database: TestDatabase;
let config: Config;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'weapp-auth-admin-'));
  database = await createTestDatabase(testEngine(), dir);
  config = loadConfig({ ...APP, NODE_ENV: 'test', DATA_DIR: dir, DATABASE_URL: database.url });
});
afterEach(async () => {
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function admin(...argv: string[]): Promise<unknown> {
  const printed: unknown[] = [];
  await adminCommand(argv, config, createLogger('silent'), (value) => printed.push(value));
  return printed[0];
}

/** The tables in the database and the rows that a start would have written: signing keys, the recorded mode. */
async function footprint(): Promise<{ tables: string[]; signingKeys?: number; settings?: number }> {
  const handle = openDatabase(database.url);
  try {
    const tables = (await handle.db.introspection.getTables()).map((table) => table.name).sort();
    if (!tables.includes('signing_keys')) return { tables };
    const count = async (table: 'signing_keys' | 'settings'): Promise<number> =>
      Number(
        (
          await handle.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    return { tables, signingKeys: await count('signing_keys'), settings: await count('settings') };
  } finally {
    await handle.close();
  }
}

describe('read-only admin commands', () => {
  it('answer on a fresh migrated database without creating a signing key, claiming a mode or generating a key file', async () => {
    const handle = openDatabase(database.url);
    try {
      await migrateToLatest(handle.db);
    } finally {
      await handle.close();
    }
    const before = await footprint();
    expect(before).toMatchObject({ signingKeys: 0, settings: 0 });

    expect(await admin('users', 'list')).toEqual([]);
    for (const command of READ_ONLY_COMMANDS) await admin(...command);

    expect(await footprint()).toEqual(before);
    expect(existsSync(join(dir, 'data-encryption.key'))).toBe(false);
  });

  it('refuse a database that is not migrated, naming what to run, and create no table', async () => {
    if (testEngine() !== 'sqlite') expect((await footprint()).tables).toEqual([]);
    for (const command of READ_ONLY_COMMANDS.filter(([group]) => group !== 'config')) {
      const refusal = admin(...command);
      await expect(refusal, command.join(' ')).rejects.toBeInstanceOf(ConfigError);
      await expect(refusal, command.join(' ')).rejects.toThrow(
        /has no weapp-auth tables: run weapp-auth migrate|does not exist yet: run weapp-auth migrate/,
      );
    }
    if (testEngine() === 'sqlite') expect(existsSync(database.url.slice('sqlite:'.length))).toBe(false);
    else expect((await footprint()).tables).toEqual([]);
    // The configuration is printed whatever the database's state: it is what an operator checks first.
    expect(await admin('config')).toMatchObject({ databaseUrl: expect.any(String) });
  });

  it('refuse a database a release before this one left, rather than upgrade it behind the operator’s back', async () => {
    const legacy = await loadV01Database(testEngine());
    try {
      const legacyConfig = { ...config, databaseUrl: legacy.url };
      const refusal = adminCommand(['users', 'list'], legacyConfig, createLogger('silent'), () => {});
      await expect(refusal).rejects.toThrow(/lacks \d+ of \d+ migrations: run weapp-auth migrate/);
      const handle = openDatabase(legacy.url);
      try {
        // Still the release's schema: its table, not the accounts that migrating would have made of it.
        const tables = (await handle.db.introspection.getTables()).map((table) => table.name);
        expect(tables).toContain('wechat_accounts');
        expect(tables).not.toContain('accounts');
      } finally {
        await handle.close();
      }
    } finally {
      await legacy.drop();
    }
  });

  it('exit 78 from the CLI on a database that is not migrated, with the message alone', async () => {
    const { code, stderr, stdout } = await runCli(['users', 'list'], {
      ...APP,
      NODE_ENV: 'test',
      DATA_DIR: dir,
      DATABASE_URL: database.url,
    });
    expect(code).toBe(78);
    expect(stderr).toContain('run weapp-auth migrate (this command only reads)');
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stdout).toBe('');
  });
});
