import { randomToken, sha256Hex } from '../../lib/crypto/random.js';

/**
 * A refresh token is `<id>.<secret>`: the id finds the row, only SHA-256(secret) is stored, and the two are
 * compared in constant time. 128 bits of id and 256 bits of secret, both from the CSPRNG.
 */
export interface RefreshTokenParts {
  id: string;
  secret: string;
}

const PART = /^[A-Za-z0-9_-]+$/;

export function newRefreshToken(): RefreshTokenParts & { token: string; secretHash: string } {
  const id = randomToken(16);
  const secret = randomToken(32);
  return { id, secret, token: `${id}.${secret}`, secretHash: sha256Hex(secret) };
}

/** Splits a token as sent by a client; undefined for anything that cannot be one of ours. */
export function parseRefreshToken(token: string): RefreshTokenParts | undefined {
  const [id, secret, extra] = token.split('.');
  if (id === undefined || secret === undefined || extra !== undefined) return undefined;
  if (id.length !== 22 || secret.length !== 43 || !PART.test(id) || !PART.test(secret)) return undefined;
  return { id, secret };
}
