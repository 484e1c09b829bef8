import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type Harness, type JsonResponse, mintCode, sameDataAs, useHarness } from '../support/harness.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { createTestDatabase, type TestDatabase } from '../support/test-databases.js';
import { until } from '../support/until.js';

/**
 * Two instances on one PostgreSQL database and one Redis, Redis reached through a proxy the test cuts for three
 * seconds in the middle of steady logins, refreshes, logouts and reads (the real Redis is never touched). Meanwhile
 * every request is answered, none with a 500 and none hanging: shared state falls back to each instance
 * (docs/deployment.md). A logout answers 204 and really revokes, on both instances. /readyz reports Redis. Once
 * Redis is back, limits are shared and revocations announced again, with no restart.
 */

const REDIS_PORT = 6379;
const LOAD_MS = 7_000;
const CUT_AT_MS = 2_000;
const CUT_FOR_MS = 3_000;
/** Far beyond any answer that is not stuck on Redis; a request still unanswered then has hung. */
const ANSWER_WITHIN_MS = 5_000;
/** Loops per kind, alternating instances; a short pause between a loop's requests to spare the two cores. */
const LOOPS = { me: 2, refresh: 2, login: 2, logout: 2 } as const;
const PAUSE_MS = 10;
const METRICS_TOKEN = `metrics-${randomBytes(12).toString('hex')}`;

type Kind = keyof typeof LOOPS;

interface Outcome {
  kind: Kind;
  at: number;
  status: number;
  code: string | undefined;
}

let database: TestDatabase;
let proxy: TcpProxy;
let redis: Redis;
let prefix: string;
let shared: Record<string, string>;

beforeAll(async () => {
  database = await createTestDatabase('postgres');
  proxy = await startTcpProxy(REDIS_PORT);
  redis = new Redis(REDIS_PORT, '127.0.0.1');
  prefix = `outage-${randomBytes(6).toString('hex')}:`;
  shared = {
    DATABASE_URL: database.url,
    REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
    REDIS_KEY_PREFIX: prefix,
    METRICS_TOKEN,
    // Limits on, so that every request counts in the kv; only the per-openid login limit is ever reached.
    RATE_LIMIT_LOGIN: '100000',
    RATE_LIMIT_REFRESH: '100000',
    RATE_LIMIT_REFRESH_PER_OPENID: '100000',
    RATE_LIMIT_LOGIN_PER_OPENID: '2',
  };
}, 60_000);

afterAll(async () => {
  await proxy?.close();
  redis?.disconnect();
  await database?.drop();
});

// Started after the database, Redis proxy and prefix above, closed before them.
const a = useHarness(() => shared);
/** In WECHAT_TOKEN_MODE=read-only: it uses the access tokens A stores in Redis and never fetches one. */
const b = useHarness(() => ({ ...shared, ...sameDataAs(a, { sameWechat: true }), WECHAT_TOKEN_MODE: 'read-only' }));

async function login(h: Harness, openid?: string): Promise<JsonResponse> {
  const minted = await mintCode(a.simulator.url, openid === undefined ? {} : { openid });
  return call(h.server.url, 'POST', '/api/auth/login', { json: { code: minted.code } });
}

async function signedIn(h: Harness): Promise<{ accessToken: string; refreshToken: string }> {
  const response = await login(h);
  expect(response.status).toBe(200);
  return { accessToken: response.body.accessToken, refreshToken: response.body.refreshToken };
}

function refresh(h: Harness, refreshToken: string): Promise<JsonResponse> {
  return call(h.server.url, 'POST', '/api/auth/refresh', { json: { refreshToken } });
}

function me(h: Harness, accessToken: string): Promise<JsonResponse> {
  return call(h.server.url, 'GET', '/api/me', { token: accessToken });
}

/** A route that needs the app's WeChat access token (checksession). */
function keyStatus(h: Harness, accessToken: string | undefined): Promise<JsonResponse> {
  return call(h.server.url, 'GET', '/api/wechat/session-key', accessToken === undefined ? {} : { token: accessToken });
}

/** Waits until /readyz answers 200 with `body`. */
async function readyz(h: Harness, body: Record<string, string>, timeoutMs?: number): Promise<void> {
  await until(
    `/readyz to say ${JSON.stringify(body)}`,
    async () => {
      const response = await call(h.server.url, 'GET', '/readyz');
      return response.status === 200 && JSON.stringify(response.body) === JSON.stringify(body);
    },
    timeoutMs,
  );
}

async function subscribers(): Promise<number> {
  const [, count] = (await redis.pubsub('NUMSUB', `${prefix}session-revoked`)) as [string, number];
  return count;
}

describe('Redis cut for three seconds under load, on a fleet of two', () => {
  it('answers everything meanwhile, revokes on logout, reports it in /readyz, and shares state again once back', {
    timeout: 90_000,
  }, async () => {
    const instances = [a, b];
    const at = (i: number): Harness => instances[i % 2] as Harness;
    const readers = await Promise.all(Array.from({ length: LOOPS.me }, (_, i) => signedIn(at(i))));
    const chains = await Promise.all(Array.from({ length: LOOPS.refresh }, (_, i) => signedIn(at(i))));
    // A stores the app's WeChat access token in Redis, where B, which only reads tokens, finds it.
    for (const h of instances) expect((await keyStatus(h, readers[0]?.accessToken)).status).toBe(200);
    const outcomes: Outcome[] = [];
    const failures: string[] = [];
    let cutAt = Infinity;
    let restoredAt = Infinity;

    const send = async (kind: Kind, request: () => Promise<JsonResponse>): Promise<JsonResponse | undefined> => {
      const started = Date.now();
      try {
        const response = await Promise.race([request(), sleep(ANSWER_WITHIN_MS, undefined, { ref: false })]);
        if (response === undefined) {
          failures.push(`${kind}: no answer within ${ANSWER_WITHIN_MS} ms`);
          return undefined;
        }
        outcomes.push({ kind, at: started, status: response.status, code: response.body?.error?.code });
        return response;
      } catch (error) {
        failures.push(`${kind}: ${String(error)}`);
        return undefined;
      }
    };
    const end = Date.now() + LOAD_MS;
    const loop = async (step: (round: number) => Promise<void>): Promise<void> => {
      for (let round = 0; Date.now() < end; round += 1) {
        await step(round);
        await sleep(PAUSE_MS);
      }
    };

    const load = Promise.all([
      ...readers.map((session, i) => loop(async (round) => void (await send('me', () => me(at(i + round), session.accessToken))))),
      ...chains.map((chain, i) =>
        loop(async (round) => {
          const response = await send('refresh', () => refresh(at(i + round), chain.refreshToken));
          if (response?.status === 200)
            Object.assign(chain, { accessToken: response.body.accessToken, refreshToken: response.body.refreshToken });
        }),
      ),
      ...Array.from({ length: LOOPS.login }, (_, i) => loop(async (round) => void (await send('login', () => login(at(i + round)))))),
      // Log in on one instance, read on the other (which now caches the session as live), log out on the first:
      // the first refuses the token at once, the other within its one-second status cache, Redis or not.
      ...Array.from({ length: LOOPS.logout }, (_, i) =>
        loop(async (round) => {
          const [here, there] = [at(i + round), at(i + round + 1)];
          const session = await send('login', () => login(here));
          if (session?.status !== 200) return;
          const { accessToken, refreshToken } = session.body;
          await send('me', () => me(there, accessToken));
          const loggedOut = await send('logout', () => call(here.server.url, 'POST', '/api/auth/logout', { token: accessToken }));
          if (loggedOut?.status !== 204) return;
          if ((await me(here, accessToken)).status !== 401) failures.push('logout: the same instance still accepts the token');
          const refusedThere = async (): Promise<boolean> => (await me(there, accessToken)).status === 401;
          await until('the other instance to refuse a logged-out token', refusedThere, 3_000).catch((error: Error) =>
            failures.push(error.message),
          );
          const refused = await refresh(there, refreshToken);
          if (refused.body?.error?.code !== 'SESSION_REVOKED') failures.push(`logout: a refresh after logout answered ${refused.status}`);
        }),
      ),
    ]);

    await sleep(CUT_AT_MS);
    await proxy.cut();
    cutAt = Date.now();

    // While Redis is away: ready but degraded, on both; the per-openid login limit counts on each instance alone.
    for (const h of instances) await readyz(h, { status: 'degraded', redis: 'down' }, 3_000);
    const alone = (await mintCode(a.simulator.url)).openid;
    const limited = [];
    for (const h of [a, b, a, a]) limited.push((await login(h, alone)).status);
    expect(limited).toEqual([200, 200, 200, 429]);
    // A read-only instance has no access token without Redis; the fetching one fetches its own meanwhile.
    const readOnly = await keyStatus(b, readers[1]?.accessToken);
    expect([readOnly.status, readOnly.body.error?.code]).toEqual([503, 'REDIS_UNAVAILABLE']);
    expect((await keyStatus(a, readers[0]?.accessToken)).status).toBe(200);

    await sleep(Math.max(0, cutAt + CUT_FOR_MS - Date.now()));
    await proxy.restore();
    restoredAt = Date.now();
    await load;

    expect(failures).toEqual([]);
    expect(outcomes.filter((o) => o.status !== 200 && o.status !== 204)).toEqual([]);
    for (const kind of Object.keys(LOOPS)) {
      expect(
        outcomes.some((o) => o.kind === kind && o.at > cutAt && o.at < restoredAt),
        `${kind} served while Redis was cut`,
      ).toBe(true);
    }
    for (const h of instances) {
      expect(h.logs.filter((line) => line.includes('unhandled error'))).toEqual([]);
      expect(h.logs.some((line) => line.includes('redis unreachable'))).toBe(true);
    }
    const metrics = await fetch(`${a.server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(await metrics.text()).toMatch(/^weapp_auth_redis_fallbacks_total\{operation="increment"\} [1-9]/m);

    // Back without a restart: ready, both resubscribed to revocation news, limits and announcements shared again.
    for (const h of instances) await readyz(h, { status: 'ready', redis: 'up' });
    await until('both instances to listen for revocations again', async () => (await subscribers()) === 2);
    const together = (await mintCode(a.simulator.url)).openid;
    const shared = [];
    for (const h of [a, b, a]) shared.push((await login(h, together)).status);
    expect(shared).toEqual([200, 200, 429]);

    const listener = redis.duplicate();
    const announced: string[] = [];
    listener.on('message', (_channel: string, message: string) => announced.push(message));
    await listener.subscribe(`${prefix}session-revoked`);
    const session = (await login(a)).body;
    expect((await call(b.server.url, 'POST', '/api/auth/logout', { token: session.accessToken })).status).toBe(204);
    await until('the logout to be announced through Redis', () => announced.length === 1);
    listener.disconnect();
    expect((await keyStatus(b, session.accessToken)).status).toBe(401);
    expect((await keyStatus(b, readers[1]?.accessToken)).status).toBe(200);
  });
});
