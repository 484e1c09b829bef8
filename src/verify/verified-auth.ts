import type { JWTPayload } from 'jose';

/** What a verified access token says; middleware puts it on the request as `auth`. */
export interface VerifiedAuth {
  /** `sub`: the weapp-auth user id. */
  userId: string;
  /** `sid`: the session, for revocation checks. */
  sessionId: string;
  /** `aud`: the mini program's appid (or, for another provider, its app id). */
  appid: string;
  /** `idp`: the identity provider the user signed in through; LEGACY_PROVIDER ('wechat') for tokens that name none (0.1's). */
  provider: string;
  /** `exp` in epoch milliseconds. */
  expiresAt: number;
  /** `jti`. */
  tokenId: string | undefined;
  /** Every claim, as signed. */
  claims: JWTPayload;
}
