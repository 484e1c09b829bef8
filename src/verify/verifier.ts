import { errors, jwtVerify } from 'jose';
import { ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_TYPE, REQUIRED_CLAIMS, readAccessTokenClaims } from '../contract/claims.js';
import { bearerToken } from './bearer.js';
import { TokenError, UnavailableError } from './errors.js';
import { RemoteKeySet } from './key-set.js';
import { cachedSessionCheck, type SessionCheck } from './session-check.js';
import type { VerifiedAuth } from './verified-auth.js';

export interface TokenVerifierOptions {
  /**
   * The server's key set: `https://auth.example.com/.well-known/jwks.json`. Kept for the response's max-age (the
   * server sends 60 s), refetched for an unknown `kid` (at most every 5 s) and by `reloadKeys()`.
   */
  jwksUrl: string | URL;
  /** Your mini program's appid, or several; a token for another app is refused. */
  audience: string | string[];
  /** The server's `TOKEN_ISSUER`. Default `weapp-auth`. */
  issuer?: string;
  /** Leeway between this machine's clock and the server's, for `exp` and for an `iat` ahead of this clock. Default 5 s. */
  clockToleranceSeconds?: number;
  /**
   * The server's `ACCESS_TOKEN_TTL`: a token whose `exp − iat` is longer was not issued by the server as configured
   * (a leaked key minting long-lived tokens), and is refused. Default 900 s, the server's default; raise it with the
   * server's.
   */
  maxTokenLifetimeSeconds?: number;
  /**
   * Optional revocation check. A JWT stays valid until `exp` (15 minutes by default) even after logout; supply this
   * to refuse it sooner. A live answer is cached per session for `sessionCacheSeconds`, a dead one per token until
   * it expires.
   */
  checkSession?: SessionCheck;
  /** How long a "live" answer of `checkSession` is trusted. Default 30 s. */
  sessionCacheSeconds?: number;
  /**
   * What to do when `checkSession` throws (the server unreachable, a 5xx or 429 from introspection): the session is
   * unknown. `fail-closed` (default): refuse with 503 SESSION_CHECK_UNAVAILABLE, so a revoked session is never let
   * through, at the price of your API failing while the server does. `accept-token`: let the request through on
   * the JWT alone, as if `checkSession` were not set, for APIs that prefer staying up.
   */
  onSessionCheckError?: 'fail-closed' | 'accept-token';
  /** JWKS fetch timeout. Default 5000 ms. */
  jwksTimeoutMs?: number;
  /** Epoch milliseconds; for tests. */
  now?: () => number;
}

export interface TokenVerifier {
  /**
   * The claims of a valid token, a TokenError (answer 401), or an UnavailableError when the token cannot be judged
   * now (answer 503). Anything else is a bug.
   */
  verify(token: string): Promise<VerifiedAuth>;
  /** The same, from an `Authorization` header value. */
  verifyHeader(header: string | string[] | undefined): Promise<VerifiedAuth>;
  /**
   * Fetches JWKS now, whatever its max-age: call it after `weapp-auth keys rotate --now` to stop accepting the
   * withdrawn key at once rather than within a minute. Rejects with an UnavailableError when JWKS cannot be fetched.
   */
  reloadKeys(): Promise<void>;
}

/** jose's verdicts on a token (not on our ability to check it) become TokenErrors. */
function tokenError(error: unknown): unknown {
  if (error instanceof errors.JWTExpired)
    return new TokenError('TOKEN_EXPIRED', 'the access token has expired; refresh it', { cause: error });
  const refused =
    error instanceof errors.JWTClaimValidationFailed ||
    error instanceof errors.JWSSignatureVerificationFailed ||
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JOSEAlgNotAllowed ||
    error instanceof errors.JOSENotSupported ||
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys;
  return refused ? new TokenError('TOKEN_INVALID', 'the access token is not valid', { cause: error }) : error;
}

/**
 * Verifies weapp-auth access tokens offline, as the server does: EdDSA signature by a JWKS key, `typ` at+jwt, issuer,
 * audience, expiry, a lifetime no longer than the server's and an issue time not in the future.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  // jose skips the audience check when none is given; a JavaScript caller omitting it would accept every app's tokens.
  const audiences = Array.isArray(options.audience) ? options.audience : [options.audience];
  if (audiences.length === 0 || audiences.some((audience) => typeof audience !== 'string' || audience === '')) {
    throw new TypeError('createTokenVerifier needs audience: the appid (or appids) whose tokens this backend accepts');
  }
  const now = options.now ?? ((): number => Date.now());
  const tolerance = options.clockToleranceSeconds ?? 5;
  const maxLifetime = options.maxTokenLifetimeSeconds ?? 900;
  // While JWKS cannot be fetched the last key set is used, for no longer than a token lives: by then clients cannot
  // refresh either, and a key withdrawn meanwhile must not stay trusted indefinitely.
  const keys = new RemoteKeySet(new URL(options.jwksUrl), {
    timeoutMs: options.jwksTimeoutMs ?? 5000,
    now,
    staleIfErrorMs: maxLifetime * 1000,
  });
  const checkSession =
    options.checkSession === undefined
      ? undefined
      : cachedSessionCheck(options.checkSession, (options.sessionCacheSeconds ?? 30) * 1000, now);
  const failOpen = options.onSessionCheckError === 'accept-token';

  async function sessionIsLive(auth: VerifiedAuth, token: string): Promise<boolean> {
    if (checkSession === undefined) return true;
    try {
      return await checkSession(auth, token);
    } catch (error) {
      if (failOpen) return true;
      throw new UnavailableError('SESSION_CHECK_UNAVAILABLE', 'the session cannot be checked now; try again later', { cause: error });
    }
  }

  async function verify(token: string): Promise<VerifiedAuth> {
    let claims;
    try {
      ({ payload: claims } = await jwtVerify(token, keys.getKey, {
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        typ: ACCESS_TOKEN_TYPE,
        issuer: options.issuer ?? 'weapp-auth',
        audience: options.audience,
        clockTolerance: tolerance,
        currentDate: new Date(now()),
        requiredClaims: [...REQUIRED_CLAIMS],
      }));
    } catch (error) {
      throw tokenError(error);
    }
    const read = readAccessTokenClaims(claims);
    if (read === undefined) throw new TokenError('TOKEN_INVALID', 'the access token lacks required claims');
    const { sub, sid, aud, idp, iat, exp, jti } = read;
    // The server's own checks: it never issues longer-lived or future-dated tokens, so one is a forgery.
    if (exp - iat > maxLifetime || iat > now() / 1000 + tolerance) {
      throw new TokenError('TOKEN_INVALID', 'the access token claims a lifetime the server never issues');
    }
    const auth: VerifiedAuth = { userId: sub, sessionId: sid, appid: aud, provider: idp, expiresAt: exp * 1000, tokenId: jti, claims };
    if (!(await sessionIsLive(auth, token))) throw new TokenError('SESSION_REVOKED', 'the session was ended; log in again');
    return auth;
  }

  return { verify, verifyHeader: async (header) => verify(bearerToken(header)), reloadKeys: () => keys.reload() };
}
