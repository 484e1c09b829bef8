import { describe, expect, it } from 'vitest';
import { basicAuth, call, type Harness, harnessesPerTest, tokensFor } from '../support/harness.js';
import { claimsOf, kidOf, rotateSigningKey, signWithKey } from '../support/signing-keys.js';

const { start: harness, secondInstance } = harnessesPerTest();

async function jwksKids(h: Harness): Promise<string[]> {
  return (await call(h.server.url, 'GET', '/.well-known/jwks.json')).body.keys.map((key: { kid: string }) => key.kid);
}

async function me(h: Harness, token: string): Promise<{ status: number; code: string | undefined }> {
  const response = await call(h.server.url, 'GET', '/api/me', { token });
  return { status: response.status, code: response.body?.error?.code };
}

describe('signing-key rotation with no downtime', () => {
  it('publishes the new key first, signs with it once active, and keeps the old one until its tokens expire', async () => {
    const h = await harness();
    const before = (await tokensFor(h)).accessToken;
    const oldKid = kidOf(before);

    const newKid = await rotateSigningKey(h.config, 'scheduled');
    h.advance(2); // past the one-second key check
    expect(await jwksKids(h)).toEqual([newKid, oldKid]);
    expect(kidOf((await tokensFor(h)).accessToken)).toBe(oldKid);

    h.advance(10 * 60); // the new key is now active
    const after = (await tokensFor(h)).accessToken;
    expect(kidOf(after)).toBe(newKid);
    expect((await me(h, after)).status).toBe(200);
    expect((await me(h, before)).status).toBe(200);
    expect(await jwksKids(h)).toEqual([newKid, oldKid]);

    h.advance(15 * 60 + 1); // every token the old key signed has expired
    expect(await jwksKids(h)).toEqual([newKid]);
  });

  it('sends JWKS with a max-age of one minute, the bound within which verifiers drop a withdrawn key', async () => {
    const h = await harness();
    const response = await call(h.server.url, 'GET', '/.well-known/jwks.json');
    expect(response.headers.get('cache-control')).toBe('public, max-age=60');
  });
});

describe('keys rotate --now (a leaked key)', () => {
  it('stops trusting every older key at once, even mid-rotation: JWKS drops them, their tokens are told to refresh', async () => {
    const h = await harness();
    const login = await tokensFor(h);
    const leakedKid = kidOf(login.accessToken);
    expect((await me(h, login.accessToken)).status).toBe(200); // verified once: now in the verified-token cache
    const pendingKid = await rotateSigningKey(h.config, 'scheduled'); // published, not yet signing

    const newKid = await rotateSigningKey(h.config, 'immediate');
    h.advance(2); // past the one-second key check
    expect(await jwksKids(h)).toEqual([newKid]);
    // The genuine token, already verified, and one the thief mints with the leaked key: both refused, as expired,
    // so that the client refreshes rather than logging in again.
    expect(await me(h, login.accessToken)).toEqual({ status: 401, code: 'TOKEN_EXPIRED' });
    const minted = await signWithKey(h.config, leakedKid, { ...claimsOf(login.accessToken), jti: 'minted-by-a-thief' });
    expect(await me(h, minted)).toEqual({ status: 401, code: 'TOKEN_EXPIRED' });
    const pending = await signWithKey(h.config, pendingKid, claimsOf(login.accessToken));
    expect(await me(h, pending)).toEqual({ status: 401, code: 'TOKEN_EXPIRED' });
    expect((await call(h.server.url, 'POST', '/api/auth/introspect', { json: { token: minted }, headers: basicAuth() })).body).toEqual({
      active: false,
    });

    const refreshed = await call(h.server.url, 'POST', '/api/auth/refresh', { json: { refreshToken: login.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect(kidOf(refreshed.body.accessToken)).toBe(newKid);
    expect((await me(h, refreshed.body.accessToken)).status).toBe(200);
  });

  it('reaches another running instance within a second: it signs with the new key and refuses the old one', async () => {
    const a = await harness();
    const b = await secondInstance(a);
    const onB = (await tokensFor(b)).accessToken;
    expect((await me(b, onB)).status).toBe(200);

    // The CLI's function, run as its own process would: its own database connection and key ring.
    const newKid = await rotateSigningKey(a.config, 'immediate');
    b.advance(1); // b's clock: one key check interval later
    expect(kidOf((await tokensFor(b)).accessToken)).toBe(newKid);
    expect(await me(b, onB)).toEqual({ status: 401, code: 'TOKEN_EXPIRED' });
    expect(await jwksKids(b)).toEqual([newKid]);
  });
});

describe('a leaked key', () => {
  it('forges nothing once retired longer than a token lives, and no key mints tokens longer than the TTL', async () => {
    const h = await harness();
    const oldKid = kidOf((await tokensFor(h)).accessToken);
    await rotateSigningKey(h.config, 'scheduled');
    h.advance(10 * 60 + 15 * 60 + 2); // activated, then retired longer ago than a token lives
    expect(await jwksKids(h)).not.toContain(oldKid);

    const session = (await tokensFor(h)).accessToken;
    const claims = claimsOf(session);
    const retired = await signWithKey(h.config, oldKid, claims);
    expect(await me(h, retired)).toEqual({ status: 401, code: 'TOKEN_INVALID' });

    const tenYears = await signWithKey(h.config, kidOf(session), { ...claims, exp: claims.iat + 10 * 365 * 86_400 });
    expect(await me(h, tenYears)).toEqual({ status: 401, code: 'TOKEN_INVALID' });
    expect((await call(h.server.url, 'POST', '/api/auth/introspect', { json: { token: tenYears }, headers: basicAuth() })).body).toEqual({
      active: false,
    });
    // The genuine token, re-signed as issued, still passes: the refusals above are the key and the lifetime.
    expect((await me(h, await signWithKey(h.config, kidOf(session), claims))).status).toBe(200);
  });
});
