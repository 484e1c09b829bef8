import type { ErrorBody as ContractErrorBody } from '../contract/api.js';
import type { TokenErrorCode, UnavailableCode } from '../contract/errors/verifier.js';

export type { TokenErrorCode, UnavailableCode };

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

/** The server's error JSON, `{"error": {"code", "message", "requestId"?}}`, with the codes the verifier answers. */
export type ErrorBody = ContractErrorBody<TokenErrorCode | UnavailableCode>;

export function errorBody(error: TokenError | UnavailableError, requestId?: string): ErrorBody {
  return { error: { code: error.code, message: error.message, ...(requestId === undefined ? {} : { requestId }) } };
}
