import { errorBody, TokenError, type ErrorBody } from './errors.js';
import type { TokenVerifier } from './verifier.js';
import type { VerifiedAuth } from './verified-auth.js';

export type Outcome = { auth: VerifiedAuth; refusal?: undefined } | { auth?: undefined; refusal: ErrorBody };

/** The framework-free core of every middleware: claims to attach, or the 401 body to answer. Other errors propagate. */
export async function authenticate(
  verifier: TokenVerifier,
  header: string | string[] | undefined,
  requestId?: string | string[],
): Promise<Outcome> {
  try {
    return { auth: await verifier.verifyHeader(header) };
  } catch (error) {
    if (!(error instanceof TokenError)) throw error;
    return { refusal: errorBody(error, typeof requestId === 'string' ? requestId : undefined) };
  }
}
