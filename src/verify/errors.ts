/** The 401 codes the verifier answers, the same as the weapp-auth server's, so one client handles both. */
export type TokenErrorCode = 'TOKEN_MISSING' | 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'SESSION_REVOKED';

/**
 * A token that must be refused with 401. Anything else the verifier throws (JWKS unreachable, a failing
 * `checkSession`) is not the client's fault and must not become a 401, or clients would log in again in a loop.
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

/** The server's error JSON: `{"error": {"code", "message", "requestId"?}}`. */
export interface ErrorBody {
  error: { code: TokenErrorCode; message: string; requestId?: string };
}

export function errorBody(error: TokenError, requestId?: string): ErrorBody {
  return { error: { code: error.code, message: error.message, ...(requestId === undefined ? {} : { requestId }) } };
}
