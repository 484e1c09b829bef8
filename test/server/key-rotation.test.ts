import { importJWK, SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { SealedBox } from '../../src/crypto/sealed-box.js';
import { loadDataEncryptionKey } from '../../src/data-encryption-key.js';
import { openDatabase } from '../../src/store/database.js';
import { rotateSigningKey } from '../../src/keys-command.js';
import { basicAuth, call, loginAs, startHarness, type Harness } from '../support/harness.js';

let h: Harness;
afterEach(async () => h.close());

function kidOf(token: string): string {
  return JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()).kid;
}

async function jwksKids(): Promise<string[]> {
  return (await call(h.server.url, 'GET', '/.well-known/jwks.json')).body.keys.map((key: { kid: string }) => key.kid);
}

describe('signing-key rotation with no downtime', () => {
  it('publishes the new key first, signs with it once active, and keeps the old one until its tokens expire', async () => {
    h = await startHarness();
    const before = (await loginAs(h)).response.body.accessToken;
    const oldKid = kidOf(before);

    const newKid = await rotateSigningKey(h.config, 'scheduled');
    h.advance(61); // past the one-minute key refresh
    expect(await jwksKids()).toEqual([newKid, oldKid]);
    expect(kidOf((await loginAs(h)).response.body.accessToken)).toBe(oldKid);

    h.advance(10 * 60); // the new key is now active
    const after = (await loginAs(h)).response.body.accessToken;
    expect(kidOf(after)).toBe(newKid);
    expect((await call(h.server.url, 'GET', '/api/me', { token: after })).status).toBe(200);
    expect(await jwksKids()).toEqual([newKid, oldKid]);

    h.advance(15 * 60 + 1); // every token the old key signed has expired
    expect(await jwksKids()).toEqual([newKid]);
  });

  it('rotates at once for a leaked key: the next refresh signs with the new one', async () => {
    h = await startHarness();
    const oldKid = kidOf((await loginAs(h)).response.body.accessToken);
    const newKid = await rotateSigningKey(h.config, 'immediate');
    h.advance(61);
    expect(kidOf((await loginAs(h)).response.body.accessToken)).toBe(newKid);
    expect(await jwksKids()).toEqual([newKid, oldKid]);
  });
});

describe('a leaked key', () => {
  /** Signs claims with a key's real private half, opened from the database as a thief holding the key could. */
  async function forge(kid: string, claims: Record<string, unknown>): Promise<string> {
    const handle = openDatabase(h.config.databaseUrl);
    try {
      const row = await handle.db.selectFrom('signing_keys').selectAll().where('kid', '=', kid).executeTakeFirstOrThrow();
      const jwk = JSON.parse(new SealedBox(loadDataEncryptionKey(h.config)).open(row.private_jwk_sealed, `signing-key:${kid}`));
      return new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid, typ: 'at+jwt' }).sign(await importJWK(jwk, 'EdDSA'));
    } finally {
      await handle.close();
    }
  }

  it('forges nothing once retired longer than a token lives, and no key mints tokens longer than the TTL', async () => {
    h = await startHarness();
    const first = (await loginAs(h)).response.body.accessToken;
    const oldKid = kidOf(first);
    await rotateSigningKey(h.config, 'immediate');
    h.advance(15 * 60 + 61);
    expect(await jwksKids()).not.toContain(oldKid);

    const session = (await loginAs(h)).response.body.accessToken;
    const claims = JSON.parse(Buffer.from(session.split('.')[1] ?? '', 'base64url').toString());
    const retired = await forge(oldKid, claims);
    expect((await call(h.server.url, 'GET', '/api/me', { token: retired })).body.error.code).toBe('TOKEN_INVALID');

    const tenYears = await forge(kidOf(session), { ...claims, exp: claims.iat + 10 * 365 * 86_400 });
    expect((await call(h.server.url, 'GET', '/api/me', { token: tenYears })).body.error.code).toBe('TOKEN_INVALID');
    const introspected = await call(h.server.url, 'POST', '/api/auth/introspect', { json: { token: tenYears }, headers: basicAuth() });
    expect(introspected.body).toEqual({ active: false });
    // The genuine token, re-signed as issued, still passes: the refusals above are the key and the lifetime.
    expect((await call(h.server.url, 'GET', '/api/me', { token: await forge(kidOf(session), claims) })).status).toBe(200);
  });
});
