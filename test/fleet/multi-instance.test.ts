import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/providers/wechat/simulator/index.js';
import { type DatabaseHandle, openDatabase } from '../../src/store/sql/database.js';
import { MIGRATION_NAMES } from '../../src/store/sql/migrations.js';
import { APP_A, call, mintCode, wechatCalls } from '../support/harness.js';
import { type ServerProcess, startServerProcess } from '../support/processes.js';
import { createTestDatabase, type TestDatabase } from '../support/test-databases.js';

const INSTANCES = 3;

describe.each(['postgres', 'mariadb'] as const)('%s: several server processes, one database, one Redis', (engine) => {
  let database: TestDatabase;
  let handle: DatabaseHandle;
  let simulator: RunningSimulator;
  let servers: ServerProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    simulator = await startSimulator({ apps: [APP_A] });
    const env = {
      NODE_ENV: 'test',
      DATABASE_URL: database.url,
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: `fleet-${randomBytes(6).toString('hex')}:`,
      WECHAT_APPS: `${APP_A.appid}:${APP_A.secret}`,
      WECHAT_API_BASE: simulator.url,
      DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      RATE_LIMIT_LOGIN: '0',
      RATE_LIMIT_LOGIN_PER_OPENID: '0',
      RATE_LIMIT_REFRESH: '0',
      RATE_LIMIT_REFRESH_PER_OPENID: '3',
    };
    // All start at once, each migrating at start: the migrations must run once.
    servers = await Promise.all(Array.from({ length: INSTANCES }, () => startServerProcess(env)));
    handle = openDatabase(database.url);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await handle?.close();
    await simulator?.close();
    await database?.drop();
  });

  const at = (i: number): string => servers[i % servers.length]?.url ?? '';

  async function countUsers(): Promise<number> {
    const row = await handle.db.selectFrom('users').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  it('started every instance on one schema, migrated once', async () => {
    const applied = await sql<{ n: number }>`select count(*) as n from kysely_migration`.execute(handle.db);
    expect(Number(applied.rows[0]?.n)).toBe(MIGRATION_NAMES.length);
    for (const server of servers) expect((await call(server.url, 'GET', '/readyz')).status).toBe(200);
  });

  it('makes one user from 200 concurrent first logins of one openid spread over the instances', async () => {
    const openid = `oFleet${randomBytes(8).toString('hex')}`.slice(0, 28);
    const codes = [];
    for (let i = 0; i < 200; i += 1) codes.push((await mintCode(simulator.url, { openid })).code);
    const before = await countUsers();
    const answers = await Promise.all(codes.map((code, i) => call(at(i), 'POST', '/api/auth/login', { json: { code } })));
    expect(answers.filter((answer) => answer.status !== 200).map((answer) => answer.body)).toEqual([]);
    expect(new Set(answers.map((answer) => answer.body.user.id)).size).toBe(1);
    expect(answers.filter((answer) => answer.body.isNewUser)).toHaveLength(1);
    expect(await countUsers()).toBe(before + 1);
  });

  it('rejects on instance B a token logged out on instance A, within a second', async () => {
    const session = (await call(at(0), 'POST', '/api/auth/login', { json: { code: (await mintCode(simulator.url)).code } })).body;
    expect((await call(at(1), 'GET', '/api/me', { token: session.accessToken })).status).toBe(200);
    expect((await call(at(0), 'POST', '/api/auth/logout', { token: session.accessToken })).status).toBe(204);
    const deadline = Date.now() + 1000;
    let status = 200;
    while (status === 200 && Date.now() < deadline) {
      status = (await call(at(1), 'GET', '/api/me', { token: session.accessToken })).status;
      if (status === 200) await sleep(20);
    }
    expect(status).toBe(401);
  });

  it('revokes the session when a refresh token rotated on A is replayed on B after the chain moved on', async () => {
    const session = (await call(at(0), 'POST', '/api/auth/login', { json: { code: (await mintCode(simulator.url)).code } })).body;
    const first = await call(at(0), 'POST', '/api/auth/refresh', { json: { refreshToken: session.refreshToken } });
    const second = await call(at(2), 'POST', '/api/auth/refresh', { json: { refreshToken: first.body.refreshToken } });
    expect([first.status, second.status]).toEqual([200, 200]);
    const replay = await call(at(1), 'POST', '/api/auth/refresh', { json: { refreshToken: session.refreshToken } });
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('REFRESH_TOKEN_REUSED');
    expect((await call(at(2), 'POST', '/api/auth/refresh', { json: { refreshToken: second.body.refreshToken } })).body.error.code).toBe(
      'SESSION_REVOKED',
    );
  });

  it('fetches one WeChat access token for 200 phone lookups spread over the instances from cold', async () => {
    const users = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const minted = await mintCode(simulator.url);
        const login = await call(at(i), 'POST', '/api/auth/login', { json: { code: minted.code } });
        const phone = await call(simulator.url, 'POST', '/control/phone-codes', {
          json: { openid: minted.openid, phoneNumber: '13800138000' },
        });
        return { token: login.body.accessToken as string, code: phone.body.code as string };
      }),
    );
    expect(await wechatCalls(simulator.url, 'stable_token')).toBe(0);
    const answers = await Promise.all(
      users.map((user, i) => call(at(i), 'POST', '/api/me/phone', { token: user.token, json: { code: user.code } })),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(200).fill(200));
    expect(await wechatCalls(simulator.url, 'stable_token')).toBe(1);
  });

  it('counts the per-openid refresh limit across the instances', async () => {
    let refreshToken = (await call(at(0), 'POST', '/api/auth/login', { json: { code: (await mintCode(simulator.url)).code } })).body
      .refreshToken;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const answer = await call(at(i), 'POST', '/api/auth/refresh', { json: { refreshToken } });
      statuses.push(answer.status);
      if (answer.status === 200) refreshToken = answer.body.refreshToken;
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});
