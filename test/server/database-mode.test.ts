import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/server/config.js';
import { type RunningServer, startServer } from '../../src/server/start.js';
import { openDatabase, redactUrl } from '../../src/store/sql/database.js';
import { call, type Harness, loginAs, startHarness } from '../support/harness.js';
import { useTemporaryDirectory } from '../support/temporary-directory.js';
import { createTestDatabase, type TestDatabase, testEngine } from '../support/test-databases.js';

/**
 * A database remembers whether simulated or real WeChat users live in it. Simulator mode over real users would let
 * anyone log in as any of them; real WeChat over simulated users would honour accounts and sessions anyone minted.
 */
describe('a database used in one mode refuses a start in the other', () => {
  const data = useTemporaryDirectory('mode', 'test');
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(testEngine(), data.path);
  });
  afterEach(async () => {
    await database.drop();
  });

  /** The server in simulator mode on the shared database and key (WECHAT_SIMULATOR: PostgreSQL and MariaDB need it). */
  function simulatorStart(): Promise<RunningServer> {
    return startServer(
      loadConfig({ NODE_ENV: 'test', PORT: '0', DATA_DIR: data.path, DATABASE_URL: database.url, WECHAT_SIMULATOR: 'true' }),
    );
  }

  /** The server with real WeChat credentials (WeChat played by a standalone simulator) on the same database and key. */
  function wechatStart(): Promise<Harness> {
    return startHarness({ DATA_DIR: data.path, DATABASE_URL: database.url });
  }

  async function forgetRecordedMode(): Promise<void> {
    const handle = openDatabase(database.url);
    try {
      await handle.db.deleteFrom('settings').execute();
    } finally {
      await handle.close();
    }
  }

  it('refuses simulator mode on a database of real WeChat users, naming it, password masked', async () => {
    const real = await wechatStart();
    expect((await loginAs(real)).response.status).toBe(200);
    await real.close();
    const start = simulatorStart();
    await expect(start).rejects.toThrow(ConfigError);
    await expect(start).rejects.toThrow(`the database ${redactUrl(database.url)} serves users of the real WeChat`);
    // A database from before the record is judged by its accounts: this one's appid is not the simulator's.
    await forgetRecordedMode();
    await expect(simulatorStart()).rejects.toThrow(/serves users of the real WeChat/);
  });

  it('refuses the real WeChat on a database made in simulator mode, and lets the simulator back on', async () => {
    const simulated = await simulatorStart();
    const minted = await call(simulated.url, 'POST', '/sim/control/codes', { json: {} });
    expect((await call(simulated.url, 'POST', '/api/auth/login', { json: { code: minted.body.code } })).status).toBe(200);
    await simulated.close();
    await expect(wechatStart()).rejects.toThrow(/was made in simulator mode: its users and sessions are simulated/);
    await forgetRecordedMode();
    await expect(wechatStart()).rejects.toThrow(/was made in simulator mode/);
    await (await simulatorStart()).close();
  });

  it('lets a fresh database take the mode of its first start, and keep it', async () => {
    const first = await wechatStart();
    await first.close();
    const again = await wechatStart();
    await again.close();
    await expect(simulatorStart()).rejects.toThrow(/serves users of the real WeChat/);
  });
});
