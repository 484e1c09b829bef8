import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTokenVerifier, IntrospectionError, introspectSession, type TokenVerifier } from '../../src/verify/index.js';
import { APP_A, APP_B, BACKEND, call, type Harness, harnessesPerTest, useHarness } from '../support/harness.js';
import { rejectionOf } from '../support/rejection.js';
import { type App, expressApp, fastifyApp, koaApp, nestApp } from './apps.js';
import { accessToken, countedIntrospection, jwksUrl } from './helpers.js';

const ACCESS_TTL = 900;
const CACHE_WINDOW = 30;
const h = useHarness();
const started = harnessesPerTest();

const frameworks: Array<[string, (verifier: TokenVerifier) => Promise<App>]> = [
  ['Express', expressApp],
  ['Koa', koaApp],
  ['Fastify', fastifyApp],
  ['NestJS guard', nestApp],
];

describe.each(frameworks)('%s middleware against tokens from a running server', (_name, start) => {
  let offset = 0;
  let app: App;
  let checked: App;
  let unsure: App;
  let check: ReturnType<typeof countedIntrospection>;

  beforeAll(async () => {
    const now = (): number => Date.now() + offset;
    app = await start(createTokenVerifier({ jwksUrl: jwksUrl(h), audience: APP_A.appid, now }));
    check = countedIntrospection(h);
    checked = await start(
      createTokenVerifier({ jwksUrl: jwksUrl(h), audience: APP_A.appid, now, checkSession: check, sessionCacheSeconds: CACHE_WINDOW }),
    );
    const down = async (): Promise<boolean> => {
      throw new Error('introspection answered 503');
    };
    unsure = await start(createTokenVerifier({ jwksUrl: jwksUrl(h), audience: APP_A.appid, now, checkSession: down }));
  });
  afterAll(async () => {
    await app.close();
    await checked.close();
    await unsure.close();
  });
  beforeEach(() => {
    offset = 0;
  });

  async function whoami(target: App, token?: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
    const response = await call(target.url, 'GET', '/whoami', { headers, ...(token === undefined ? {} : { token }) });
    return { status: response.status, body: response.body };
  }

  function expectRefusal(result: { status: number; body: any }, code: string): void {
    expect(result.status).toBe(401);
    expect(result.body).toMatchObject({ error: { code, message: expect.any(String) } });
    expect(['code', 'message', 'requestId']).toEqual(expect.arrayContaining(Object.keys(result.body.error)));
  }

  it('a valid token passes, with its claims on the request', async () => {
    const token = await accessToken(h);
    const me = await call(h.server.url, 'GET', '/api/me', { token });
    const result = await whoami(app, token);
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({
      userId: me.body.id,
      appid: APP_A.appid,
      sessionId: expect.any(String),
      claims: { aud: APP_A.appid, sid: expect.any(String) },
    });
  });

  it('no token: 401 TOKEN_MISSING; not Bearer: 401 TOKEN_INVALID', async () => {
    expectRefusal(await whoami(app), 'TOKEN_MISSING');
    expectRefusal(await whoami(app, undefined, { authorization: 'Basic dXNlcjpwYXNz' }), 'TOKEN_INVALID');
  });

  it('an expired token: 401 TOKEN_EXPIRED', async () => {
    const token = await accessToken(h);
    offset = (ACCESS_TTL + 10) * 1000;
    expectRefusal(await whoami(app, token), 'TOKEN_EXPIRED');
  });

  it("another app's token (wrong audience): 401 TOKEN_INVALID", async () => {
    expectRefusal(await whoami(app, await accessToken(h, { appid: APP_B.appid })), 'TOKEN_INVALID');
  });

  it('a tampered token: 401 TOKEN_INVALID', async () => {
    const [header, payload, signature] = (await accessToken(h)).split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub: string };
    claims.sub = '00000000-0000-7000-8000-000000000000';
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    expectRefusal(await whoami(app, forged), 'TOKEN_INVALID');
  });

  it('a revoked session passes until its cache window ends, then 401 SESSION_REVOKED', async () => {
    const token = await accessToken(h);
    expect((await whoami(checked, token)).status).toBe(200);
    const callsBefore = check.calls;
    expect((await call(h.server.url, 'POST', '/api/auth/logout', { token })).status).toBe(204);

    // Inside the window the cached "live" answer stands: the price of not asking on every request.
    expect((await whoami(checked, token)).status).toBe(200);
    expect(check.calls).toBe(callsBefore);

    offset = (CACHE_WINDOW + 1) * 1000;
    expectRefusal(await whoami(checked, token), 'SESSION_REVOKED');
    expectRefusal(await whoami(checked, token), 'SESSION_REVOKED');
    expect(check.calls).toBe(callsBefore + 1); // a dead session is remembered
  });

  it('a session check that cannot answer: 503 SESSION_CHECK_UNAVAILABLE, not 401', async () => {
    const result = await whoami(unsure, await accessToken(h));
    expect(result.status).toBe(503);
    expect(result.body).toMatchObject({ error: { code: 'SESSION_CHECK_UNAVAILABLE', message: expect.any(String) } });
  });

  it('without checkSession a revoked token still passes until it expires (stateless JWT)', async () => {
    const token = await accessToken(h);
    await call(h.server.url, 'POST', '/api/auth/logout', { token });
    expect((await whoami(app, token)).status).toBe(200);
  });
});

describe('introspectSession with a backend’s credentials, against a running server', () => {
  type Ask = ReturnType<typeof introspectSession>;

  async function ask(check: Ask, token: string, on: Harness = h): Promise<boolean> {
    return check(await createTokenVerifier({ jwksUrl: jwksUrl(on), audience: APP_A.appid }).verify(token), token);
  }

  function failure(check: Ask, token: string, on: Harness = h): Promise<IntrospectionError> {
    return rejectionOf(ask(check, token, on), IntrospectionError);
  }

  it('is answered with its credentials; without them or with a wrong secret it fails with status 401, not a verdict', async () => {
    const token = await accessToken(h);
    expect(await ask(introspectSession(h.server.url, BACKEND), token)).toBe(true);
    expect((await failure(introspectSession(h.server.url), token)).status).toBe(401);
    const wrong = introspectSession(h.server.url, { ...BACKEND, clientSecret: 'not-the-secret-0123456789abcdef0123' });
    expect((await failure(wrong, token)).status).toBe(401);
    expect((await failure(introspectSession('http://127.0.0.1:9', { ...BACKEND, timeoutMs: 500 }), token)).status).toBeUndefined();
    expect(() => introspectSession(h.server.url, { clientId: BACKEND.clientId })).toThrow(TypeError);
  });

  it('fails with status 429 once its backend is over RATE_LIMIT_INTROSPECT', async () => {
    const limited = await started.start({ RATE_LIMIT_INTROSPECT: '1' });
    const check = introspectSession(limited.server.url, BACKEND);
    expect(await ask(check, await accessToken(limited), limited)).toBe(true);
    expect((await failure(check, await accessToken(limited), limited)).status).toBe(429);
  });
});
