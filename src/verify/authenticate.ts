import { ERROR_STATUS } from '../contract/errors/index.js';
import { VERIFIER_ERROR_STATUS } from '../contract/errors/verifier.js';
import { type ErrorBody, errorBody, TokenError, UnavailableError } from './errors.js';
import type { VerifiedAuth } from './verified-auth.js';
import type { TokenVerifier } from './verifier.js';

export type Outcome = { auth: VerifiedAuth; refusal?: undefined } | { auth?: undefined; refusal: ErrorBody; status: 401 | 503 };

/**
 * The framework-free core of every middleware: claims to attach, or the body and status to answer: 401 for a refused
 * token, 503 when it cannot be judged now. Other errors (bugs) propagate.
 */
export async function authenticate(
  verifier: TokenVerifier,
  header: string | string[] | undefined,
  requestId?: string | string[],
): Promise<Outcome> {
  try {
    return { auth: await verifier.verifyHeader(header) };
  } catch (error) {
    if (!(error instanceof TokenError || error instanceof UnavailableError)) throw error;
    const body = errorBody(error, typeof requestId === 'string' ? requestId : undefined);
    return { refusal: body, status: error instanceof TokenError ? ERROR_STATUS[error.code] : VERIFIER_ERROR_STATUS[error.code] };
  }
}
