import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { bearerToken } from './bearer.js';
import { TokenError } from './errors.js';
import { cachedSessionCheck, type SessionCheck } from './session-check.js';
import type { VerifiedAuth } from './verified-auth.js';

export interface TokenVerifierOptions {
  /** The server's key set: `https://auth.example.com/.well-known/jwks.json`. Fetched once, cached, refetched for an unknown `kid`. */
  jwksUrl: string | URL;
  /** Your mini program's appid, or several; a token for another app is refused. */
  audience: string | string[];
  /** The server's `TOKEN_ISSUER`. Default `weapp-auth`. */
  issuer?: string;
  /** Leeway for `exp`/`iat` between this machine's clock and the server's. Default 5 s. */
  clockToleranceSeconds?: number;
  /**
   * Optional revocation check. A JWT stays valid until `exp` (15 minutes by default) even after logout; supply this
   * to refuse it sooner. Its answer is cached per session for `sessionCacheSeconds`.
   */
  checkSession?: SessionCheck;
  /** How long a "live" answer of `checkSession` is trusted. Default 30 s. */
  sessionCacheSeconds?: number;
  /** JWKS fetch timeout. Default 5000 ms. */
  jwksTimeoutMs?: number;
  /** Epoch milliseconds; for tests. */
  now?: () => number;
}

export interface TokenVerifier {
  /** The claims of a valid token, or a TokenError (401). Other errors mean "cannot tell now" (answer 5xx). */
  verify(token: string): Promise<VerifiedAuth>;
  /** The same, from an `Authorization` header value. */
  verifyHeader(header: string | string[] | undefined): Promise<VerifiedAuth>;
}

const TOKEN_TYPE = 'at+jwt';

/** jose's verdicts on a token (not on our ability to check it) become TokenErrors. */
function tokenError(error: unknown): unknown {
  if (error instanceof errors.JWTExpired) return new TokenError('TOKEN_EXPIRED', 'the access token has expired; refresh it', { cause: error });
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

/** Verifies weapp-auth access tokens offline: EdDSA signature by a JWKS key, `typ` at+jwt, issuer, audience, expiry. */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  // jose skips the audience check when none is given; a JavaScript caller omitting it would accept every app's tokens.
  const audiences = Array.isArray(options.audience) ? options.audience : [options.audience];
  if (audiences.length === 0 || audiences.some((audience) => typeof audience !== 'string' || audience === '')) {
    throw new TypeError('createTokenVerifier needs audience: the appid (or appids) whose tokens this backend accepts');
  }
  const now = options.now ?? ((): number => Date.now());
  const keys: JWTVerifyGetKey = createRemoteJWKSet(new URL(options.jwksUrl), { timeoutDuration: options.jwksTimeoutMs ?? 5000 });
  const checkSession =
    options.checkSession === undefined ? undefined : cachedSessionCheck(options.checkSession, (options.sessionCacheSeconds ?? 30) * 1000, now);

  async function verify(token: string): Promise<VerifiedAuth> {
    let claims;
    try {
      ({ payload: claims } = await jwtVerify(token, keys, {
        algorithms: ['EdDSA'],
        typ: TOKEN_TYPE,
        issuer: options.issuer ?? 'weapp-auth',
        audience: options.audience,
        clockTolerance: options.clockToleranceSeconds ?? 5,
        currentDate: new Date(now()),
        requiredClaims: ['sub', 'sid', 'aud', 'exp', 'iat'],
      }));
    } catch (error) {
      throw tokenError(error);
    }
    const { sub, sid, aud, exp, jti, idp = 'wechat' } = claims;
    const appid = Array.isArray(aud) ? aud[0] : aud;
    const named = typeof sub === 'string' && typeof sid === 'string' && typeof appid === 'string' && typeof idp === 'string';
    if (!named || typeof exp !== 'number') {
      throw new TokenError('TOKEN_INVALID', 'the access token lacks required claims');
    }
    const auth: VerifiedAuth = { userId: sub, sessionId: sid, appid, provider: idp, expiresAt: exp * 1000, tokenId: jti, claims };
    if (checkSession !== undefined && !(await checkSession(auth, token))) {
      throw new TokenError('SESSION_REVOKED', 'the session was ended; log in again');
    }
    return auth;
  }

  return { verify, verifyHeader: async (header) => verify(bearerToken(header)) };
}
