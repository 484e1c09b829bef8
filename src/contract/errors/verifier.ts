import { defineErrorCodes } from './define.js';
import type { ErrorCode } from './index.js';

/*
 * Client-side codes: answered by weapp-auth/verify inside a user's own backend, never by the server.
 */

/** The server's 401 codes that the verifier refuses a token with, so one client handles both the same way. */
export type TokenErrorCode = Extract<ErrorCode, 'TOKEN_MISSING' | 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'SESSION_REVOKED'>;

/**
 * The verifier's own codes: the token could not be judged now, which is not the client's fault (a 401 would send
 * clients into a login loop). `KEYS_UNAVAILABLE`: JWKS; `SESSION_CHECK_UNAVAILABLE`: the `checkSession` it was given.
 */
export const VERIFIER_ERROR_STATUS = defineErrorCodes({
  KEYS_UNAVAILABLE: 503,
  SESSION_CHECK_UNAVAILABLE: 503,
});

export type UnavailableCode = keyof typeof VERIFIER_ERROR_STATUS;
