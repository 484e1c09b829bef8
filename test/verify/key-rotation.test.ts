import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createTokenVerifier, TokenError, type TokenVerifier } from '../../src/verify/index.js';
import { APP_A, harnessesPerTest } from '../support/harness.js';
import { kidOf, rotateSigningKey } from '../support/signing-keys.js';
import { accessToken, jwksUrl } from './helpers.js';

const started = harnessesPerTest();
let jwksServer: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (jwksServer === undefined ? resolve(undefined) : jwksServer.close(resolve)));
  jwksServer = undefined;
});

async function refusal(verifier: TokenVerifier, token: string): Promise<string | undefined> {
  return verifier.verify(token).then(
    () => undefined,
    (error: unknown) => (error instanceof TokenError ? error.code : `not a TokenError: ${String(error)}`),
  );
}

/** A server's JWKS relayed with the given Cache-Control, counting fetches. */
async function relayJwks(upstream: string, cacheControl: string): Promise<{ url: string; fetches: () => number }> {
  let fetches = 0;
  jwksServer = createServer((_request, response) => {
    fetches += 1;
    void fetch(upstream).then(async (answer) => {
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': cacheControl });
      response.end(await answer.text());
    });
  });
  await new Promise<void>((resolve) => jwksServer?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`, fetches: () => fetches };
}

describe('the verifier after keys rotate --now', () => {
  it('learns the new key on its kid, drops the withdrawn one within JWKS max-age, or at once on reloadKeys()', async () => {
    const h = await started.start();
    let offset = 0;
    const now = (): number => Date.now() + offset;
    const following = createTokenVerifier({ jwksUrl: jwksUrl(h), audience: APP_A.appid, now });
    const reloading = createTokenVerifier({ jwksUrl: jwksUrl(h), audience: APP_A.appid });
    const old = await accessToken(h);
    expect((await following.verify(old)).userId).toEqual(expect.any(String));
    expect((await reloading.verify(old)).userId).toEqual(expect.any(String));

    const newKid = await rotateSigningKey(h.config, 'immediate');
    h.advance(2); // the server's key check
    const fresh = await accessToken(h);
    expect(kidOf(fresh)).toBe(newKid);
    // A kid the cached set lacks: one refetch (a few seconds after the last at most), and the new key is known.
    expect((await following.verify(fresh)).userId).toEqual(expect.any(String));

    await reloading.reloadKeys();
    expect(await refusal(reloading, old)).toBe('TOKEN_INVALID');
    expect((await reloading.verify(fresh)).userId).toEqual(expect.any(String));

    offset = 61_000; // past the JWKS max-age of 60 s
    expect(await refusal(following, old)).toBe('TOKEN_INVALID');
  });
});

describe('the verifier’s JWKS cache', () => {
  it('keeps a key set for the response’s max-age, not longer and not for each request', async () => {
    const h = await started.start();
    const relay = await relayJwks(jwksUrl(h), 'public, max-age=120');
    let offset = 0;
    const verifier = createTokenVerifier({ jwksUrl: relay.url, audience: APP_A.appid, now: () => Date.now() + offset });
    const token = await accessToken(h);
    for (let i = 0; i < 5; i += 1) await verifier.verify(token);
    expect(relay.fetches()).toBe(1);
    offset = 119_000;
    await verifier.verify(token);
    expect(relay.fetches()).toBe(1);
    offset = 121_000;
    await verifier.verify(token);
    expect(relay.fetches()).toBe(2);
  });

  it('cuts a max-age longer than five minutes (a proxy’s, say), so a withdrawn key never lingers for hours', async () => {
    const h = await started.start();
    const relay = await relayJwks(jwksUrl(h), 'public, max-age=86400');
    let offset = 0;
    const verifier = createTokenVerifier({ jwksUrl: relay.url, audience: APP_A.appid, now: () => Date.now() + offset });
    const token = await accessToken(h);
    await verifier.verify(token);
    offset = 301_000;
    h.advance(301);
    await verifier.verify(await accessToken(h));
    expect(relay.fetches()).toBe(2);
  });

  it('keeps using the last key set while JWKS cannot be fetched, for no longer than a token lives', async () => {
    const h = await started.start();
    const relay = await relayJwks(jwksUrl(h), 'max-age=60');
    let offset = 0;
    const verifier = createTokenVerifier({ jwksUrl: relay.url, audience: APP_A.appid, now: () => Date.now() + offset, jwksTimeoutMs: 500 });
    await verifier.verify(await accessToken(h));
    await new Promise((resolve) => jwksServer?.close(resolve));
    jwksServer = undefined;

    offset = 61_000; // stale, and the refetch fails: the last set still verifies
    h.advance(61);
    expect((await verifier.verify(await accessToken(h))).userId).toEqual(expect.any(String));
    offset += 900_000; // stale for longer than a token lives: cannot judge, which is a 503
    h.advance(900);
    expect(await refusal(verifier, await accessToken(h))).toMatch(/not a TokenError: UnavailableError/);
    await expect(verifier.reloadKeys()).rejects.toMatchObject({ code: 'KEYS_UNAVAILABLE' });
  });
});
