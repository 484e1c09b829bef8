import type { JWTPayload } from 'jose';

/** What a verified access token says; middleware puts it on the request as `auth`. */
export interface VerifiedAuth {
  /** `sub`: the weapp-auth user id. */
  userId: string;
  /** `sid`: the session, for revocation checks. */
  sessionId: string;
  /** `aud`: the mini program's appid. */
  appid: string;
  /** `exp` in epoch milliseconds. */
  expiresAt: number;
  /** `jti`. */
  tokenId: string | undefined;
  /** Every claim, as signed. */
  claims: JWTPayload;
}
