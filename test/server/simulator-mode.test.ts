import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SIMULATOR_APP, startSimulator } from '../../src/providers/wechat/simulator/index.js';
import { ConfigError, loadConfig } from '../../src/server/config.js';
import { type RunningServer, startServer } from '../../src/server/start.js';
import { openDatabase, redactUrl } from '../../src/store/sql/database.js';
import { call, type Harness, loginAs, startHarness } from '../support/harness.js';
import { createTestDatabase, type TestDatabase, testEngine } from '../support/test-databases.js';

let dir: string;
let server: RunningServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'weapp-auth-simmode-'));
  server = await startServer(loadConfig({ PORT: '0', DATA_DIR: dir, LOG_LEVEL: 'silent' }));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('simulator mode (no WeChat secret, not production)', () => {
  it('mounts the simulator under /sim and sends WeChat calls to it', async () => {
    // Its own loopback listener, started before the services were built: they knew where WeChat was from the start.
    expect(server.wechatApiBase).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.wechatApiBase).not.toBe(server.url);
    const minted = await call(server.url, 'POST', '/sim/control/codes', { json: {} });
    expect(minted.status).toBe(200);
    const login = await call(server.url, 'POST', '/api/auth/login', { json: { code: minted.body.code } });
    expect(login.status).toBe(200);
    const me = await call(server.url, 'GET', '/api/me', { token: login.body.accessToken });
    expect(me.body.id).toBe(login.body.user.id);
    const stats = await call(server.url, 'GET', '/sim/control/stats');
    expect(stats.body.calls.jscode2session).toBe(1);
    // One simulator behind both: the listener saw the same call.
    expect((await call(server.wechatApiBase, 'GET', '/control/stats')).body).toEqual(stats.body);
  });

  it('gives the apps secrets of its own, not the simulator’s well-known one', () => {
    expect(server.apps.map((app) => app.appid)).toEqual([DEFAULT_SIMULATOR_APP.appid]);
    expect(server.apps[0]?.secret).toMatch(/^[0-9a-f]{32}$/);
    expect(server.apps[0]?.secret).not.toBe(DEFAULT_SIMULATOR_APP.secret);
  });

  it('keeps a generated data-encryption key under DATA_DIR, readable by its owner only', () => {
    const path = join(dir, 'data-encryption.key');
    expect(Buffer.from(readFileSync(path, 'utf8').trim(), 'base64')).toHaveLength(32);
    expect(statSync(path).mode & 0o077).toBe(0);
  });

  it('answers health and readiness', async () => {
    expect((await call(server.url, 'GET', '/healthz')).body).toEqual({ status: 'ok' });
    expect((await call(server.url, 'GET', '/readyz')).body).toEqual({ status: 'ready' });
  });

  it('restarts on the same data: the same signing key, sessions still valid', async () => {
    const minted = await call(server.url, 'POST', '/sim/control/codes', { json: {} });
    const login = await call(server.url, 'POST', '/api/auth/login', { json: { code: minted.body.code } });
    const jwks = (await call(server.url, 'GET', '/.well-known/jwks.json')).body;
    const before = server;
    await server.close();
    // Closing the server closes its simulator's listener too.
    await expect(fetch(`${before.wechatApiBase}/control/stats`)).rejects.toThrow();
    server = await startServer(loadConfig({ PORT: '0', DATA_DIR: dir, LOG_LEVEL: 'silent' }));
    expect(server.apps[0]?.secret).not.toBe(before.apps[0]?.secret);
    expect((await call(server.url, 'GET', '/.well-known/jwks.json')).body).toEqual(jwks);
    expect((await call(server.url, 'GET', '/api/me', { token: login.body.accessToken })).status).toBe(200);
    const refreshed = await call(server.url, 'POST', '/api/auth/refresh', { json: { refreshToken: login.body.refreshToken } });
    expect(refreshed.status).toBe(200);
  });
});

describe('simulator mode with WECHAT_API_BASE', () => {
  it('calls the base given, where no well-known secret is accepted for the apps', async () => {
    const standalone = await startSimulator();
    const dataDir = mkdtempSync(join(tmpdir(), 'weapp-auth-simbase-'));
    const started = await startServer(loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', WECHAT_API_BASE: standalone.url }));
    try {
      expect(started.wechatApiBase).toBe(standalone.url);
      const minted = await call(standalone.url, 'POST', '/control/codes', { json: {} });
      const login = await call(started.url, 'POST', '/api/auth/login', { json: { code: minted.body.code } });
      expect(login.body.error.code).toBe('WECHAT_CREDENTIALS_REJECTED');
      expect((await call(standalone.url, 'GET', '/control/stats')).body.calls.jscode2session).toBe(1);
    } finally {
      await started.close();
      await standalone.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('files at rest', () => {
  it('creates the data directory 0700 and the SQLite file, its -wal and -shm 0600; tightens a file left 0644', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'weapp-auth-files-'));
    const dataDir = join(parent, 'data');
    const files = ['weapp-auth.db', 'weapp-auth.db-wal', 'weapp-auth.db-shm'].map((file) => join(dataDir, file));
    try {
      const first = await startServer(loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      for (const file of files) expect(statSync(file).mode & 0o777, file).toBe(0o600);
      await first.close();
      // As an older release left them (the directory is the operator's to change: it may be a shared mount).
      for (const file of files) if (existsSync(file)) chmodSync(file, 0o644);
      const again = await startServer(loadConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
      try {
        for (const file of files) if (existsSync(file)) expect(statSync(file).mode & 0o777, file).toBe(0o600);
        expect(statSync(files[0] as string).mode & 0o777).toBe(0o600);
      } finally {
        await again.close();
      }
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('refuses to start on a generated key other accounts can read, with the chmod that fixes it', async () => {
    const exposed = mkdtempSync(join(tmpdir(), 'weapp-auth-exposed-'));
    try {
      const key = join(exposed, 'data-encryption.key');
      writeFileSync(key, `${randomBytes(32).toString('base64')}\n`, { mode: 0o644 });
      chmodSync(key, 0o644);
      const start = startServer(loadConfig({ PORT: '0', DATA_DIR: exposed, LOG_LEVEL: 'silent' }));
      await expect(start).rejects.toThrow(ConfigError);
      await expect(start).rejects.toThrow(`${key} is open to other accounts on this machine (mode 0644): run chmod 600 ${key}`);
      chmodSync(key, 0o600);
      await (await startServer(loadConfig({ PORT: '0', DATA_DIR: exposed, LOG_LEVEL: 'silent' }))).close();
    } finally {
      rmSync(exposed, { recursive: true, force: true });
    }
  });
});

/**
 * A database remembers whether simulated or real WeChat users live in it. Simulator mode over real users would let
 * anyone log in as any of them; real WeChat over simulated users would honour accounts and sessions anyone minted.
 */
describe('a database used in one mode refuses a start in the other', () => {
  let database: TestDatabase;
  let shared: string;
  beforeEach(async () => {
    shared = mkdtempSync(join(tmpdir(), 'weapp-auth-mode-'));
    database = await createTestDatabase(testEngine(), shared);
  });
  afterEach(async () => {
    await database.drop();
    rmSync(shared, { recursive: true, force: true });
  });

  /** The server in simulator mode on the shared database and key (WECHAT_SIMULATOR: PostgreSQL and MariaDB need it). */
  function simulatorStart(): Promise<RunningServer> {
    return startServer(loadConfig({ NODE_ENV: 'test', PORT: '0', DATA_DIR: shared, DATABASE_URL: database.url, WECHAT_SIMULATOR: 'true' }));
  }

  /** The server with real WeChat credentials (WeChat played by a standalone simulator) on the same database and key. */
  function wechatStart(): Promise<Harness> {
    return startHarness({ DATA_DIR: shared, DATABASE_URL: database.url });
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
