import { describe, expect, it } from 'vitest';
import { createTokenVerifier, introspectSession } from '../../src/verify/index.js';
import { APP_A, BACKEND, basicAuth, call, tokensFor } from '../support/harness.js';
import { startHarnessBehindProxy } from '../support/harness-behind-proxy.js';
import { claimsOf, rotateSigningKey, signWithKey } from '../support/signing-keys.js';

/**
 * While the database is down, a token the server cannot judge (its key not loaded yet, or the key set due for a
 * look) is an outage, 503, never a 401 or "inactive": either would send clients or verifiers into logging users out.
 */
describe.each(['postgres', 'mariadb'] as const)('a %s outage', (engine) => {
  it('answers 503 for tokens it cannot judge, keeps the last keys it read, and judges them again once back', async () => {
    const { h, proxy, close } = await startHarnessBehindProxy(engine);
    try {
      const issued = (await tokensFor(h)).accessToken;
      // Another instance's key, published by a rotation this instance has not looked at yet.
      const newKid = await rotateSigningKey(h.config, 'scheduled');
      const signedElsewhere = await signWithKey(h.config, newKid, claimsOf(issued));

      await proxy.cut();
      const unknownKey = await call(h.server.url, 'GET', '/api/me', { token: signedElsewhere });
      expect([unknownKey.status, unknownKey.body.error.code]).toEqual([503, 'DATABASE_UNAVAILABLE']);
      const introspected = await call(h.server.url, 'POST', '/api/auth/introspect', {
        json: { token: signedElsewhere },
        headers: basicAuth(),
      });
      expect([introspected.status, introspected.body.error?.code]).toEqual([503, 'DATABASE_UNAVAILABLE']);

      // A minute later the key set is due for a look, which fails: the last keys read still verify, and the
      // session check is what answers 503.
      h.advance(65);
      const stale = await call(h.server.url, 'POST', '/api/auth/introspect', { json: { token: issued }, headers: basicAuth() });
      expect([stale.status, stale.body.error?.code]).toEqual([503, 'DATABASE_UNAVAILABLE']);
      expect(h.logs.filter((line) => line.includes('unhandled error'))).toStrictEqual([]);

      await proxy.restore();
      expect((await call(h.server.url, 'GET', '/api/me', { token: signedElsewhere })).status).toBe(200);
      expect(
        (await call(h.server.url, 'POST', '/api/auth/introspect', { json: { token: issued }, headers: basicAuth() })).body.active,
      ).toBe(true);
    } finally {
      await close();
    }
  });

  it('a verifying backend asking introspection meanwhile answers 503, remembers nothing, and passes once it is back', async () => {
    const { h, proxy, close } = await startHarnessBehindProxy(engine);
    try {
      const verifier = createTokenVerifier({
        jwksUrl: `${h.server.url}/.well-known/jwks.json`,
        audience: APP_A.appid,
        checkSession: introspectSession(h.server.url, BACKEND),
      });
      const token = (await tokensFor(h)).accessToken;
      await proxy.cut();
      h.advance(65); // the server's key set is due for a look, which fails
      await expect(verifier.verify(token)).rejects.toMatchObject({ name: 'UnavailableError', code: 'SESSION_CHECK_UNAVAILABLE' });

      await proxy.restore();
      expect((await verifier.verify(token)).userId).toEqual(expect.any(String));
    } finally {
      await close();
    }
  });
});
