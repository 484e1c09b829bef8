import { createServer as createHttpServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createTokenVerifier, introspectSession, TokenError, UnavailableError } from '../../src/verify/index.js';
import { APP_A, APP_B, BACKEND, call, tokensFor, useHarness } from '../support/harness.js';
import { readV01Manifest, readV01Rows } from '../support/legacy-database.js';
import { unusedPort } from '../support/ports.js';
import { rejectionOf } from '../support/rejection.js';
import { claimsOf, kidOf, signWithKey } from '../support/signing-keys.js';
import { whoamiThroughExpress } from './apps.js';
import { accessToken, jwksUrl } from './helpers.js';

const h = useHarness();

describe('createTokenVerifier', () => {
  it('refuses to be built without an audience, which would accept every app’s tokens', () => {
    for (const audience of [undefined, '', []]) {
      expect(() => createTokenVerifier({ jwksUrl: jwksUrl(h), audience: audience as unknown as string })).toThrow(/needs audience/);
    }
  });

  it('accepts tokens of every configured appid and reports which app the token is for', async () => {
    const verifier = createTokenVerifier({ jwksUrl: jwksUrl(h), audience: [APP_A.appid, APP_B.appid] });
    expect((await verifier.verify(await accessToken(h, { appid: APP_B.appid }))).appid).toBe(APP_B.appid);
    expect((await verifier.verify(await accessToken(h))).appid).toBe(APP_A.appid);
  });

  it('reports the provider a token names, and WeChat for a token that names none, as release 0.1 issued them', async () => {
    const verifier = createTokenVerifier({ jwksUrl: jwksUrl(h), audience: APP_A.appid });
    expect(await verifier.verify(await accessToken(h))).toMatchObject({ provider: 'wechat', claims: { idp: 'wechat' } });

    // A token 0.1 issued (test/fixtures/v0.1), checked against that release's keys at a moment it was live.
    const fixture = readV01Manifest();
    const keys = (readV01Rows().signing_keys ?? []).map((row) => JSON.parse(String(row.public_jwk)) as unknown);
    const jwks = createHttpServer((_request, response) => response.end(JSON.stringify({ keys })));
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    try {
      const session = fixture.sessions.find((each) => each.state !== 'revoked');
      if (session === undefined) throw new Error('the fixture has live sessions');
      const legacy = createTokenVerifier({
        jwksUrl: `http://127.0.0.1:${(jwks.address() as { port: number }).port}/`,
        audience: session.appid,
        now: () => fixture.fixtureTime + 5_000,
      });
      const auth = await legacy.verify(session.accessToken);
      expect(auth.claims.idp).toBeUndefined();
      expect(auth).toMatchObject({ userId: session.userId, appid: session.appid, provider: 'wechat' });
    } finally {
      await new Promise((resolve) => jwks.close(resolve));
    }
  });

  it('refuses a token from an issuer it was not told to trust', async () => {
    const verifier = createTokenVerifier({ jwksUrl: jwksUrl(h), audience: APP_A.appid, issuer: 'someone-else' });
    const error = await rejectionOf(verifier.verify(await accessToken(h)));
    expect(error).toBeInstanceOf(TokenError);
    expect((error as TokenError).code).toBe('TOKEN_INVALID');
  });

  it('tolerates a few seconds of clock skew, not more', async () => {
    const token = await accessToken(h);
    const { exp } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { exp: number };
    const at = (ms: number) => createTokenVerifier({ jwksUrl: jwksUrl(h), audience: APP_A.appid, now: () => ms, clockToleranceSeconds: 5 });
    expect((await at(exp * 1000 + 3000).verify(token)).userId).toEqual(expect.any(String));
    expect(((await rejectionOf(at(exp * 1000 + 7000).verify(token))) as TokenError).code).toBe('TOKEN_EXPIRED');
  });

  it('JWKS unreachable is not a 401 (that would send clients into re-login): the middleware answers 503 KEYS_UNAVAILABLE', async () => {
    const port = await unusedPort();
    const verifier = createTokenVerifier({
      jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
      audience: APP_A.appid,
      jwksTimeoutMs: 500,
    });
    const token = await accessToken(h);
    expect(await rejectionOf(verifier.verify(token))).toMatchObject({ name: 'UnavailableError', code: 'KEYS_UNAVAILABLE' });

    const response = await whoamiThroughExpress(verifier, token);
    expect([response.status, response.body.error.code]).toEqual([503, 'KEYS_UNAVAILABLE']);
  });

  it('a failing checkSession is "unknown": 503 SESSION_CHECK_UNAVAILABLE by default, never remembered', async () => {
    let calls = 0;
    const failing = async (): Promise<boolean> => {
      calls += 1;
      throw new Error('introspection answered 503');
    };
    const verifier = createTokenVerifier({ jwksUrl: jwksUrl(h), audience: APP_A.appid, checkSession: failing });
    const token = await accessToken(h);
    const error = await rejectionOf(verifier.verify(token));
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error).toMatchObject({ code: 'SESSION_CHECK_UNAVAILABLE' });
    await rejectionOf(verifier.verify(token));
    expect(calls).toBe(2);

    const response = await whoamiThroughExpress(verifier, token);
    expect([response.status, response.body.error.code]).toEqual([503, 'SESSION_CHECK_UNAVAILABLE']);
  });

  it('onSessionCheckError "accept-token" lets the request through on the JWT alone when the check fails', async () => {
    const verifier = createTokenVerifier({
      jwksUrl: jwksUrl(h),
      audience: APP_A.appid,
      onSessionCheckError: 'accept-token',
      checkSession: async () => {
        throw new Error('session store down');
      },
    });
    expect((await verifier.verify(await accessToken(h))).appid).toBe(APP_A.appid);
  });

  it('keeps a dead answer for that token only: the session’s refreshed token is asked again', async () => {
    const login = await tokensFor(h);
    const answers = [false, true];
    const verifier = createTokenVerifier({ jwksUrl: jwksUrl(h), audience: APP_A.appid, checkSession: async () => answers.shift() ?? true });
    expect(((await rejectionOf(verifier.verify(login.accessToken))) as TokenError).code).toBe('SESSION_REVOKED');
    expect(((await rejectionOf(verifier.verify(login.accessToken))) as TokenError).code).toBe('SESSION_REVOKED');
    expect(answers).toEqual([true]); // the refusal was remembered for that token

    // The server said "inactive" for that token (say its key was withdrawn); the session lives on with a new one.
    const refreshed = await call(h.server.url, 'POST', '/api/auth/refresh', { json: { refreshToken: login.refreshToken } });
    expect((await verifier.verify(refreshed.body.accessToken)).sessionId).toBe(claimsOf(login.accessToken).sid);
    expect(answers).toEqual([]);
  });

  it('refuses what the server refuses: a lifetime longer than the server’s, an issue time in the future', async () => {
    const token = await accessToken(h);
    const claims = claimsOf(token);
    const now = Math.floor(Date.now() / 1000);
    const verifier = createTokenVerifier({ jwksUrl: jwksUrl(h), audience: APP_A.appid });
    const signed = (changes: Record<string, number>): Promise<string> => signWithKey(h.config, kidOf(token), { ...claims, ...changes });

    const tenYears = await signed({ iat: now, exp: now + 10 * 365 * 86_400 });
    expect(((await rejectionOf(verifier.verify(tenYears))) as TokenError).code).toBe('TOKEN_INVALID');
    const future = await signed({ iat: now + 60, exp: now + 60 + 900 });
    expect(((await rejectionOf(verifier.verify(future))) as TokenError).code).toBe('TOKEN_INVALID');
    // Within the limits, the same key and claims pass; a server with a longer ACCESS_TOKEN_TTL is matched by the option.
    expect((await verifier.verify(await signed({ iat: now + 3, exp: now + 3 + 900 }))).userId).toBe(claims.sub);
    const hour = await signed({ iat: now, exp: now + 3600 });
    expect(((await rejectionOf(verifier.verify(hour))) as TokenError).code).toBe('TOKEN_INVALID');
    const longer = createTokenVerifier({ jwksUrl: jwksUrl(h), audience: APP_A.appid, maxTokenLifetimeSeconds: 3600 });
    expect((await longer.verify(hour)).userId).toBe(claims.sub);
  });

  it('introspectSession asks the server: a live session passes, a garbage token is inactive, a dead server is not a 401', async () => {
    const ask = introspectSession(h.server.url, BACKEND);
    const token = await accessToken(h);
    const auth = await createTokenVerifier({ jwksUrl: jwksUrl(h), audience: APP_A.appid }).verify(token);
    expect(await ask(auth, token)).toBe(true);
    expect(await ask(auth, `${token.slice(0, -4)}AAAA`)).toBe(false);
    await call(h.server.url, 'POST', '/api/auth/logout', { token });
    expect(await ask(auth, token)).toBe(false);
    await expect(introspectSession('http://127.0.0.1:9', { timeoutMs: 500 })(auth, token)).rejects.not.toBeInstanceOf(TokenError);
  });

  it('checkSession sees the verified claims and the raw token', async () => {
    const token = await accessToken(h);
    const seen: Array<[string, string]> = [];
    const verifier = createTokenVerifier({
      jwksUrl: jwksUrl(h),
      audience: APP_A.appid,
      checkSession: async (auth, raw) => {
        seen.push([auth.sessionId, raw]);
        return true;
      },
    });
    const auth = await verifier.verify(token);
    await verifier.verify(token);
    expect(seen).toEqual([[auth.sessionId, token]]);
    expect((await call(h.server.url, 'GET', '/api/me', { token })).body.id).toBe(auth.userId);
  });
});
