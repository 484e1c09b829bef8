import { generateKeyPairSync } from 'node:crypto';
import { decodeProtectedHeader, errors, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { signCompactEdDsa } from '../../src/lib/crypto/jws.js';
import { randomToken } from '../../src/lib/crypto/random.js';

describe('randomToken', () => {
  it('gives base64url strings of the asked entropy, never the same twice across many pool refills', () => {
    const seen = new Set<string>();
    // 16 bytes × 3,000 tokens is about a dozen refills of the 4 KiB pool, and a draw that straddles its end.
    for (let i = 0; i < 3000; i += 1) {
      const token = randomToken(i % 2 === 0 ? 16 : 33);
      expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(Buffer.from(token, 'base64url').length).toBe(i % 2 === 0 ? 16 : 33);
      seen.add(token);
    }
    expect(seen.size).toBe(3000);
  });

  it('is not all zeros after a refill (the pool is filled before it is read)', () => {
    const tokens = Array.from({ length: 300 }, () => Buffer.from(randomToken(32), 'base64url'));
    expect(tokens.filter((bytes) => bytes.every((byte) => byte === 0))).toEqual([]);
  });

  it.each([0, -1, 1.5, 4097])('refuses %s bytes', (bytes) => {
    expect(() => randomToken(bytes)).toThrow(RangeError);
  });
});

describe('signCompactEdDsa', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const header = { alg: 'EdDSA', kid: 'k1', typ: 'at+jwt' };
  const payload = { sub: 'user', iss: 'https://issuer.example', aud: 'app', exp: Math.floor(Date.now() / 1000) + 60 };

  it('signs a token jose verifies, header and claims as given', async () => {
    const token = signCompactEdDsa(header, payload, privateKey);
    expect(decodeProtectedHeader(token)).toEqual(header);
    const { payload: verified } = await jwtVerify(token, publicKey, { algorithms: ['EdDSA'], typ: 'at+jwt' });
    expect(verified).toEqual(payload);
  });

  it('signs what it was given: another key, or a changed claim, fails verification', async () => {
    const token = signCompactEdDsa(header, payload, privateKey);
    const other = generateKeyPairSync('ed25519').publicKey;
    await expect(jwtVerify(token, other)).rejects.toBeInstanceOf(errors.JWSSignatureVerificationFailed);
    const [encodedHeader, , signature] = token.split('.');
    const forged = `${encodedHeader}.${Buffer.from(JSON.stringify({ ...payload, sub: 'admin' })).toString('base64url')}.${signature}`;
    await expect(jwtVerify(forged, publicKey)).rejects.toBeInstanceOf(errors.JWSSignatureVerificationFailed);
  });
});
