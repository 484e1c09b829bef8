import type { IncomingHttpHeaders } from 'node:http';
import { authenticate } from './authenticate.js';
import type { ErrorBody } from './errors.js';
import type { VerifiedAuth } from './verified-auth.js';
import type { TokenVerifier } from './verifier.js';

/** The parts of Express's req/res used here (plain Node http objects have them too), so Express is not a dependency. */
export interface ExpressLikeRequest {
  headers: IncomingHttpHeaders;
  auth?: VerifiedAuth;
}
export interface ExpressLikeResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body: string): unknown;
}

function sendRefusal(res: ExpressLikeResponse, status: number, body: ErrorBody): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

/** Express middleware: `app.use('/api', expressAuth(verifier))`; the claims are on `req.auth`. */
export function expressAuth(
  verifier: TokenVerifier,
): (req: ExpressLikeRequest, res: ExpressLikeResponse, next: (error?: unknown) => void) => void {
  return (req, res, next) => {
    authenticate(verifier, req.headers.authorization, req.headers['x-request-id']).then((outcome) => {
      if (outcome.refusal !== undefined) return sendRefusal(res, outcome.status, outcome.refusal);
      req.auth = outcome.auth;
      next();
    }, next);
  };
}
