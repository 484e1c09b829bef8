/** The 401 codes the verifier answers, the same as the weapp-auth server's, so one client handles both. */
export type TokenErrorCode = 'TOKEN_MISSING' | 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'SESSION_REVOKED';

/** The 503 codes: the token could not be judged now. `KEYS_UNAVAILABLE`: JWKS; `SESSION_CHECK_UNAVAILABLE`: checkSession. */
export type UnavailableCode = 'KEYS_UNAVAILABLE' | 'SESSION_CHECK_UNAVAILABLE';

/**
 * A token that must be refused with 401. Not being able to judge it (JWKS unreachable, a failing `checkSession`) is
 * not the client's fault and must not become a 401, or clients would log in again in a loop: that is an UnavailableError.
 */
export class TokenError extends Error {
  override readonly name = 'TokenError';

  constructor(
    readonly code: TokenErrorCode,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

/** The token could not be judged now (JWKS or the session check unreachable): answer 503, and the client retries later. */
export class UnavailableError extends Error {
  override readonly name = 'UnavailableError';

  constructor(
    readonly code: UnavailableCode,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

/** The server's error JSON: `{"error": {"code", "message", "requestId"?}}`. */
export interface ErrorBody {
  error: { code: TokenErrorCode | UnavailableCode; message: string; requestId?: string };
}

export function errorBody(error: TokenError | UnavailableError, requestId?: string): ErrorBody {
  return { error: { code: error.code, message: error.message, ...(requestId === undefined ? {} : { requestId }) } };
}
