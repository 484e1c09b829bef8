import { decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import {
  ACCESS_TOKEN_ALGORITHM,
  ACCESS_TOKEN_TYPE,
  type AccessTokenHeader,
  REQUIRED_CLAIMS,
  readAccessTokenClaims,
} from '../../contract/claims.js';
import type { Clock } from '../../lib/clock.js';
import { signCompactEdDsa } from '../../lib/crypto/jws.js';
import { randomToken } from '../../lib/crypto/random.js';
import { WeappAuthError } from '../../lib/errors.js';
import { growingLru } from '../../lib/growing-lru.js';
import type { KeyRefusal, SigningKeyRing } from './signing-keys.js';

/** What a verified access token says. */
export interface AccessClaims {
  userId: string;
  sessionId: string;
  /** `idp`: the identity provider the session signed in through (LEGACY_PROVIDER for tokens that carry none). */
  provider: string;
  /** `aud`: the app the session signed in to (a WeChat appid, or another provider's app id). */
  appid: string;
  /** Expiry, epoch milliseconds. */
  expiresAt: number;
}

export interface AccessTokensDeps {
  keys: SigningKeyRing;
  clock: Clock;
  /** `iss` of every token. */
  issuer: string;
  ttlSeconds: number;
  /** Every configured app of every provider: a token's audience is the app it was issued for, `idp` its provider. */
  apps: ReadonlyMap<string, readonly string[]>;
}

const VERIFIED_CACHE_SIZE = 50_000;
/** Tolerated difference between instances' clocks for a token's issue time. */
const CLOCK_SKEW_MS = 60_000;

interface Verified {
  claims: AccessClaims;
  /** The key that signed it: a token stops passing from the cache once its key is withdrawn. */
  kid: string;
}

/**
 * Issues and verifies EdDSA JWT access tokens. A token verified once is remembered until it expires (or its key is
 * withdrawn), so the auth guard does not repeat the signature check on every request carrying the same token.
 */
export class AccessTokens {
  readonly #verified = growingLru<string, Verified>(VERIFIED_CACHE_SIZE);
  readonly #audiences: string[];

  constructor(private readonly deps: AccessTokensDeps) {
    this.#audiences = [...new Set([...deps.apps.values()].flat())];
  }

  async issue(subject: {
    userId: string;
    sessionId: string;
    provider: string;
    app: string;
  }): Promise<{ token: string; expiresIn: number }> {
    const { kid, privateKey } = await this.deps.keys.signer();
    const issuedAt = Math.floor(this.deps.clock() / 1000);
    const header: AccessTokenHeader = { alg: ACCESS_TOKEN_ALGORITHM, kid, typ: ACCESS_TOKEN_TYPE };
    const token = signCompactEdDsa(
      header,
      {
        sid: subject.sessionId,
        idp: subject.provider,
        iss: this.deps.issuer,
        aud: subject.app,
        sub: subject.userId,
        iat: issuedAt,
        // A unique id per token: two tokens for one session in the same second are still distinct.
        jti: randomToken(12),
        exp: issuedAt + this.deps.ttlSeconds,
      },
      privateKey,
    );
    return { token, expiresIn: this.deps.ttlSeconds };
  }

  /**
   * Verifies signature, type, issuer, audience and expiry; throws TOKEN_INVALID or TOKEN_EXPIRED. When the keys
   * cannot be read (the database is down and the kid is not among the last keys read), the store's error propagates:
   * that is an outage (503), not a verdict on the token.
   */
  async verify(token: string): Promise<AccessClaims> {
    const now = this.deps.clock();
    const cached = this.#verified.get(token);
    if (cached !== undefined) {
      if (cached.claims.expiresAt <= now) {
        this.#verified.delete(token);
        throw expired();
      }
      // A key withdrawn (or deleted) since the token was verified takes the token with it.
      const key = await this.deps.keys.publicKey(cached.kid);
      if (typeof key !== 'string') return cached.claims;
      this.#verified.delete(token);
      throw refusal(key);
    }
    const verified = await this.verifySignature(token, now);
    this.#verified.set(token, verified);
    return verified.claims;
  }

  private async verifySignature(token: string, now: number): Promise<Verified> {
    const kid = kidOf(token);
    const key = await this.deps.keys.publicKey(kid);
    if (typeof key === 'string') throw refusal(key);
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        typ: ACCESS_TOKEN_TYPE,
        issuer: this.deps.issuer,
        audience: this.#audiences,
        currentDate: new Date(now),
        requiredClaims: [...REQUIRED_CLAIMS],
      });
      const claims = readAccessTokenClaims(payload);
      if (claims === undefined) throw new WeappAuthError('TOKEN_INVALID', 'the access token lacks required claims');
      const { sub, sid, aud, idp, iat, exp } = claims;
      // The audience names an app; it must be an app of the provider the token says it came through.
      if (this.deps.apps.get(idp)?.includes(aud) !== true) {
        throw new WeappAuthError('TOKEN_INVALID', 'the access token is for an app its provider does not serve here');
      }
      // We never issue longer-lived tokens; one claiming more was not made by this server as configured.
      if (exp - iat > this.deps.ttlSeconds || iat * 1000 > now + CLOCK_SKEW_MS) {
        throw new WeappAuthError('TOKEN_INVALID', 'the access token claims a lifetime this server never issues');
      }
      return { claims: { userId: sub, sessionId: sid, provider: idp, appid: aud, expiresAt: exp * 1000 }, kid };
    } catch (error) {
      // Everything in here is a verdict on the token: the key is in hand, nothing is read from the store.
      if (error instanceof WeappAuthError) throw error;
      if (error instanceof joseErrors.JWTExpired) throw expired();
      throw new WeappAuthError('TOKEN_INVALID', 'the access token is not valid', { cause: error });
    }
  }
}

/** The header's kid, read before anything is verified so that a store error while finding the key stays one. */
function kidOf(token: string): string {
  let kid: unknown;
  try {
    ({ kid } = decodeProtectedHeader(token));
  } catch (error) {
    throw new WeappAuthError('TOKEN_INVALID', 'the access token is not valid', { cause: error });
  }
  if (typeof kid !== 'string') throw new WeappAuthError('TOKEN_INVALID', 'the access token was not signed by this server');
  return kid;
}

function expired(): WeappAuthError {
  return new WeappAuthError('TOKEN_EXPIRED', 'the access token has expired; refresh it');
}

/**
 * A withdrawn key's tokens are answered TOKEN_EXPIRED, not TOKEN_INVALID: the client then refreshes (its refresh token
 * is unaffected) instead of logging in again. Nothing signed by the key is trusted either way.
 */
function refusal(reason: KeyRefusal): WeappAuthError {
  return reason === 'withdrawn'
    ? new WeappAuthError('TOKEN_EXPIRED', 'the access token was signed with a withdrawn key; refresh it')
    : new WeappAuthError('TOKEN_INVALID', 'the access token was not signed by this server');
}
