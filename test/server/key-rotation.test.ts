import { afterEach, describe, expect, it } from 'vitest';
import { rotateSigningKey } from '../../src/keys-command.js';
import { call, loginAs, startHarness, type Harness } from '../support/harness.js';

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
