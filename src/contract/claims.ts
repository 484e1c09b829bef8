/**
 * The access token as the server signs it and every verifier (the server's guard, weapp-auth/verify, the PHP, Java,
 * Go and Python examples of docs/verify-tokens.md) reads it: an RFC 9068 JWT access token.
 */

/** RFC 9068's `typ` for JWT access tokens: an ID token or any other JWT signed by the same key is refused. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

/** Ed25519 signatures; the keys are published as JWKS. */
export const ACCESS_TOKEN_ALGORITHM = 'EdDSA';

/** The provider of tokens that name none (`idp`): release 0.1 issued them and knew WeChat only. */
export const LEGACY_PROVIDER = 'wechat';

/** The claims a token must carry; `idp` and `jti` may be missing from tokens issued by 0.1. */
export const REQUIRED_CLAIMS = ['sub', 'sid', 'aud', 'exp', 'iat'] as const;

export interface AccessTokenHeader {
  alg: typeof ACCESS_TOKEN_ALGORITHM;
  typ: typeof ACCESS_TOKEN_TYPE;
  /** The signing key, found in JWKS. */
  kid: string;
}

export interface AccessTokenClaims {
  /** The server's TOKEN_ISSUER. */
  iss: string;
  /** The app the session signed in to: a WeChat appid, or another provider's app id. */
  aud: string;
  /** The user id. */
  sub: string;
  /** The session, for revocation checks. */
  sid: string;
  /** The identity provider the session signed in through; LEGACY_PROVIDER when the token names none. */
  idp: string;
  /** Issued at, epoch seconds. */
  iat: number;
  /** Expires at, epoch seconds. */
  exp: number;
  /** Unique per token; absent only from tokens issued by 0.1. */
  jti?: string;
}

/**
 * The claims of a token whose signature, `typ`, issuer, audience and expiry were already verified, in their types,
 * or undefined when one is missing or of the wrong type (refuse the token). An `aud` array names the app first.
 */
export function readAccessTokenClaims(payload: Readonly<Record<string, unknown>>): AccessTokenClaims | undefined {
  const { iss, sub, sid, aud, iat, exp, jti, idp = LEGACY_PROVIDER } = payload;
  const app: unknown = Array.isArray(aud) ? aud[0] : aud;
  const named = typeof iss === 'string' && typeof sub === 'string' && typeof sid === 'string' && typeof app === 'string';
  if (!named || typeof idp !== 'string' || typeof iat !== 'number' || typeof exp !== 'number') return undefined;
  return { iss, aud: app, sub, sid, idp, iat, exp, ...(typeof jti === 'string' ? { jti } : {}) };
}
