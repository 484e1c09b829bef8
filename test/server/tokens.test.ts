import { createHmac } from 'node:crypto';
import { createLocalJWKSet, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { APP_A, APP_B, basicAuth, call, type Harness, harnessesPerTest, loginAs, useHarness } from '../support/harness.js';

const h = useHarness({ REFRESH_REUSE_GRACE: '10' });
const started = harnessesPerTest();

async function refresh(refreshToken: string, on: Harness = h): Promise<Awaited<ReturnType<typeof call>>> {
  return call(on.server.url, 'POST', '/api/auth/refresh', { json: { refreshToken } });
}

async function me(token: string, on: Harness = h): Promise<Awaited<ReturnType<typeof call>>> {
  return call(on.server.url, 'GET', '/api/me', { token });
}

function decodePart(token: string, index: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index] ?? '', 'base64url').toString('utf8'));
}

function encodePart(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('refresh tokens', () => {
  it('rotate: each refresh returns a new refresh token and a working access token', async () => {
    const { response } = await loginAs(h);
    const rotated = await refresh(response.body.refreshToken);
    expect(rotated.status).toBe(200);
    expect(rotated.body.refreshToken).not.toBe(response.body.refreshToken);
    expect(rotated.body.accessToken).not.toBe(response.body.accessToken);
    expect(rotated.body.user.id).toBe(response.body.user.id);
    expect(rotated.body.isNewUser).toBe(false);
    expect((await me(rotated.body.accessToken)).status).toBe(200);
    expect((await refresh(rotated.body.refreshToken)).status).toBe(200);
  });

  it('treat a replay after the grace window as theft: 401 and the whole session revoked', async () => {
    const { response } = await loginAs(h);
    const rotated = await refresh(response.body.refreshToken);
    h.advance(11);
    const replay = await refresh(response.body.refreshToken);
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('REFRESH_TOKEN_REUSED');
    const thiefLater = await refresh(rotated.body.refreshToken);
    expect(thiefLater.status).toBe(401);
    expect(thiefLater.body.error.code).toBe('SESSION_REVOKED');
    const access = await me(rotated.body.accessToken);
    expect(access.status).toBe(401);
    expect(access.body.error.code).toBe('SESSION_REVOKED');
  });

  it('let a concurrent retry within the grace window through, but not once the chain has moved on', async () => {
    const { response } = await loginAs(h);
    const [first, retry] = await Promise.all([refresh(response.body.refreshToken), refresh(response.body.refreshToken)]);
    expect([first?.status, retry?.status]).toEqual([200, 200]);
    // The chain moves on: the first child is used. A replay of the original is now theft even inside the window.
    expect((await refresh(first?.body.refreshToken)).status).toBe(200);
    const late = await refresh(response.body.refreshToken);
    expect(late.status).toBe(401);
    expect(late.body.error.code).toBe('REFRESH_TOKEN_REUSED');
  });

  it('never let a grace-window retry fork the chain: once one sibling is used, the other is reuse', async () => {
    const { response } = await loginAs(h);
    const first = await refresh(response.body.refreshToken);
    const retry = await refresh(response.body.refreshToken); // within the grace window, the chain not moved on
    expect([first.status, retry.status]).toEqual([200, 200]);
    expect((await refresh(first.body.refreshToken)).status).toBe(200);
    const fork = await refresh(retry.body.refreshToken);
    expect(fork.status).toBe(401);
    expect(fork.body.error.code).toBe('REFRESH_TOKEN_REUSED');
  });

  it('never stretch the grace window for an instance whose clock lags: its replay a minute later is reuse', async () => {
    const behind = await started.secondInstance(h, { REFRESH_REUSE_GRACE: '10' });
    h.advance(60); // h's clock now runs a minute ahead of behind's
    const { response } = await loginAs(h);
    expect((await refresh(response.body.refreshToken)).status).toBe(200);
    const replay = await refresh(response.body.refreshToken, behind);
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('REFRESH_TOKEN_REUSED');
  });

  it('reject garbage, forged secrets and unknown ids without a 500', async () => {
    const { response } = await loginAs(h);
    const [id] = response.body.refreshToken.split('.');
    for (const token of ['x', `${id}.${'A'.repeat(43)}`, `${'B'.repeat(22)}.${'A'.repeat(43)}`, `${response.body.refreshToken}.x`]) {
      const result = await refresh(token);
      expect(result.status).toBe(401);
      expect(result.body.error.code).toBe('REFRESH_TOKEN_INVALID');
    }
    expect((await refresh(response.body.refreshToken)).status).toBe(200);
  });

  it('expire with their session', async () => {
    const { response } = await loginAs(h);
    h.advance(30 * 86_400 + 1);
    const result = await refresh(response.body.refreshToken);
    expect(result.status).toBe(401);
    expect(result.body.error.code).toBe('SESSION_EXPIRED');
  });
});

describe('refresh tokens with REFRESH_REUSE_GRACE=0', () => {
  const single = useHarness({ REFRESH_REUSE_GRACE: '0' });

  it('are single use under concurrency too: of two simultaneous refreshes one wins, the other revokes the session', async () => {
    const outcomes: string[] = [];
    // 100 pairs, 10 at a time: each pair races two refreshes of one token.
    for (let batch = 0; batch < 10; batch += 1) {
      const pairs = Array.from({ length: 10 }, async () => {
        const { response } = await loginAs(single);
        const answers = await Promise.all([refresh(response.body.refreshToken, single), refresh(response.body.refreshToken, single)]);
        const winners = answers.filter((answer) => answer.status === 200);
        const losers = answers.filter((answer) => answer.status !== 200).map((answer) => answer.body.error.code);
        const after = winners[0] === undefined ? undefined : await me(winners[0].body.accessToken, single);
        return `${winners.length} won, lost with ${losers.join()}, then ${after?.body.error?.code ?? after?.status}`;
      });
      outcomes.push(...(await Promise.all(pairs)));
    }
    expect(outcomes).toEqual(Array(100).fill('1 won, lost with REFRESH_TOKEN_REUSED, then SESSION_REVOKED'));
  });
});

describe('logout', () => {
  it('revokes the session: its access and refresh tokens get 401', async () => {
    const { response } = await loginAs(h);
    const out = await call(h.server.url, 'POST', '/api/auth/logout', { token: response.body.accessToken });
    expect(out.status).toBe(204);
    expect((await me(response.body.accessToken)).body.error.code).toBe('SESSION_REVOKED');
    expect((await refresh(response.body.refreshToken)).body.error.code).toBe('SESSION_REVOKED');
  });

  it('accepts the bodiless JSON POST wx.request sends, and leaves other sessions alone', async () => {
    const first = await loginAs(h);
    const second = await loginAs(h, { openid: first.minted.openid });
    const out = await call(h.server.url, 'POST', '/api/auth/logout', {
      token: first.response.body.accessToken,
      headers: { 'content-type': 'application/json' },
    });
    expect(out.status).toBe(204);
    expect((await me(second.response.body.accessToken)).status).toBe(200);
  });
});

describe('access tokens', () => {
  it('verify against the published JWKS with a standard JWT library', async () => {
    const { response } = await loginAs(h);
    const jwks = await call(h.server.url, 'GET', '/.well-known/jwks.json');
    expect(jwks.status).toBe(200);
    for (const key of jwks.body.keys) expect(key).not.toHaveProperty('d');
    const { payload, protectedHeader } = await jwtVerify(response.body.accessToken, createLocalJWKSet(jwks.body), {
      issuer: 'weapp-auth',
      audience: APP_A.appid,
    });
    expect(protectedHeader.alg).toBe('EdDSA');
    expect(payload.sub).toBe(response.body.user.id);
  });

  it('expire after their lifetime', async () => {
    const { response } = await loginAs(h);
    expect((await me(response.body.accessToken)).status).toBe(200);
    h.advance(901);
    const result = await me(response.body.accessToken);
    expect(result.status).toBe(401);
    expect(result.body.error.code).toBe('TOKEN_EXPIRED');
  });

  it('are refused when tampered with, unsigned, signed by another key, or confused about the algorithm', async () => {
    const { response } = await loginAs(h);
    const token: string = response.body.accessToken;
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = decodePart(token, 1);
    const otherUser = encodePart({ ...claims, sub: '00000000-0000-7000-8000-000000000000' });
    const foreign = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const jwks = (await call(h.server.url, 'GET', '/.well-known/jwks.json')).body;
    const kid = decodePart(token, 0).kid as string;
    const foreignSigned = await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid, typ: 'at+jwt' }).sign(foreign.privateKey);
    const hsHeader = encodePart({ alg: 'HS256', kid, typ: 'at+jwt' });
    const hsSignature = createHmac('sha256', JSON.stringify(jwks.keys[0])).update(`${hsHeader}.${payload}`).digest('base64url');
    const attacks = {
      tamperedPayload: `${header}.${otherUser}.${signature}`,
      algNone: `${encodePart({ alg: 'none', typ: 'at+jwt' })}.${payload}.`,
      algNoneWithKid: `${encodePart({ alg: 'none', kid, typ: 'at+jwt' })}.${payload}.x`,
      foreignKey: foreignSigned,
      hmacWithPublicKey: `${hsHeader}.${payload}.${hsSignature}`,
      truncatedSignature: `${header}.${payload}.${signature.slice(0, 20)}`,
      notAJwt: 'abc.def.ghi',
    };
    for (const [name, forged] of Object.entries(attacks)) {
      const result = await me(forged);
      expect({ name, status: result.status }).toEqual({ name, status: 401 });
      expect(['TOKEN_INVALID', 'TOKEN_EXPIRED']).toContain(result.body.error.code);
    }
  });

  it('need the Bearer scheme, in any case (RFC 6750), as the verifier for other backends reads it', async () => {
    const { response } = await loginAs(h);
    const token: string = response.body.accessToken;
    const missing = await call(h.server.url, 'GET', '/api/me');
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe('TOKEN_MISSING');
    const basic = await call(h.server.url, 'GET', '/api/me', { headers: { authorization: `Basic ${token}` } });
    expect(basic.status).toBe(401);
    expect(basic.body.error.code).toBe('TOKEN_INVALID');
    for (const authorization of [`bearer ${token}`, `BEARER ${token}`, `Bearer  ${token} `]) {
      expect((await call(h.server.url, 'GET', '/api/me', { headers: { authorization } })).status).toBe(200);
    }
  });
});

describe('token responses', () => {
  it('are kept by no cache on the way, nor is any other /api answer; the public keys stay cacheable', async () => {
    const { response } = await loginAs(h);
    const rotated = await refresh(response.body.refreshToken);
    const answers = [response, rotated, await me(rotated.body.accessToken), await refresh('not-a-token'), await me('a.b.c')];
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 401, 401]);
    for (const answer of answers) expect(answer.headers.get('cache-control')).toBe('no-store');
    expect((await call(h.server.url, 'GET', '/.well-known/jwks.json')).headers.get('cache-control')).toMatch(/max-age=\d+/);
  });
});

describe('tokens signed with our own key but meant for someone else', () => {
  it('are refused for a wrong issuer or an audience this server does not serve', async () => {
    // Servers sharing one database share the signing key: only the claims tell their tokens apart.
    const onlyA = await started.start({ WECHAT_APPS: `${APP_A.appid}:${APP_A.secret}` });
    const onlyB = await started.secondInstance(onlyA, { WECHAT_APPS: `${APP_B.appid}:${APP_B.secret}` });
    const otherIssuer = await started.secondInstance(onlyA, { TOKEN_ISSUER: 'someone-else' });
    const own = await loginAs(onlyA);
    expect((await call(onlyA.server.url, 'GET', '/api/me', { token: own.response.body.accessToken })).status).toBe(200);

    const forB = await loginAs(onlyB, { appid: APP_B.appid });
    expect(decodePart(forB.response.body.accessToken, 0).kid).toBe(decodePart(own.response.body.accessToken, 0).kid);
    const wrongAudience = await call(onlyA.server.url, 'GET', '/api/me', { token: forB.response.body.accessToken });
    expect(wrongAudience.status).toBe(401);
    expect(wrongAudience.body.error.code).toBe('TOKEN_INVALID');

    const elsewhere = await loginAs(otherIssuer);
    const wrongIssuer = await call(onlyA.server.url, 'GET', '/api/me', { token: elsewhere.response.body.accessToken });
    expect(wrongIssuer.status).toBe(401);
    expect(wrongIssuer.body.error.code).toBe('TOKEN_INVALID');
  });
});

describe('POST /api/auth/introspect', () => {
  async function introspect(token: unknown): Promise<Awaited<ReturnType<typeof call>>> {
    return call(h.server.url, 'POST', '/api/auth/introspect', { json: { token }, headers: basicAuth() });
  }

  it('says a live token is active, with its subject, session, audience, provider and expiry', async () => {
    const { response } = await loginAs(h);
    const claims = decodePart(response.body.accessToken, 1);
    const answer = await introspect(response.body.accessToken);
    expect(answer.status).toBe(200);
    expect(claims.idp).toBe('wechat');
    expect(answer.body).toEqual({
      active: true,
      sub: response.body.user.id,
      sid: claims.sid,
      aud: APP_A.appid,
      idp: 'wechat',
      exp: claims.exp,
    });
  });

  it('says inactive, and nothing more, for a revoked, expired or forged token', async () => {
    const { response } = await loginAs(h);
    const token: string = response.body.accessToken;
    expect((await introspect(`${token.slice(0, -4)}AAAA`)).body).toEqual({ active: false });
    expect((await introspect('not-a-token')).body).toEqual({ active: false });
    await call(h.server.url, 'POST', '/api/auth/logout', { token });
    expect((await introspect(token)).body).toEqual({ active: false });
    const other = await loginAs(h);
    h.advance(901);
    expect((await introspect(other.response.body.accessToken)).body).toEqual({ active: false });
  });

  it('answers a malformed request with 400', async () => {
    expect((await introspect(42)).status).toBe(400);
    expect((await call(h.server.url, 'POST', '/api/auth/introspect', { json: {}, headers: basicAuth() })).status).toBe(400);
  });
});
