import type { ErrorBody as ContractErrorBody } from '../contract/api.js';
import type { TokenErrorCode, UnavailableCode } from '../contract/errors/verifier.js';

export type { TokenErrorCode, UnavailableCode };

/** An error of the verifier's with a stable code, as the server's error JSON carries it. */
abstract class VerifierError<Code extends string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

/**
 * A token that must be refused with 401. Not being able to judge it (JWKS unreachable, a failing `checkSession`) is
 * not the client's fault and must not become a 401, or clients would log in again in a loop: that is an UnavailableError.
 */
export class TokenError extends VerifierError<TokenErrorCode> {
  override readonly name = 'TokenError';
}

/** The token could not be judged now (JWKS or the session check unreachable): answer 503, and the client retries later. */
export class UnavailableError extends VerifierError<UnavailableCode> {
  override readonly name = 'UnavailableError';
}

/** The server's error JSON, `{"error": {"code", "message", "requestId"?}}`, with the codes the verifier answers. */
export type ErrorBody = ContractErrorBody<TokenErrorCode | UnavailableCode>;

export function errorBody(error: TokenError | UnavailableError, requestId?: string): ErrorBody {
  return { error: { code: error.code, message: error.message, ...(requestId === undefined ? {} : { requestId }) } };
}
