import type { IncomingHttpHeaders } from 'node:http';
import { type CanActivate, type ExecutionContext, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import { authenticate } from './authenticate.js';
import type { VerifiedAuth } from './verified-auth.js';
import type { TokenVerifier } from './verifier.js';

/**
 * NestJS guard, decorator-free so it needs no experimentalDecorators: `app.useGlobalGuards(new WeappAuthGuard(verifier))`
 * or `@UseGuards(new WeappAuthGuard(verifier))`. The claims are on `req.auth`; a refusal is a 401 with the server's
 * JSON, or a 503 when the token cannot be judged now.
 */
export class WeappAuthGuard implements CanActivate {
  constructor(private readonly verifier: TokenVerifier) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<{ headers: IncomingHttpHeaders; id?: unknown; auth?: VerifiedAuth }>();
    const outcome = await authenticate(this.verifier, request.headers.authorization, request.headers['x-request-id']);
    if (outcome.refusal !== undefined) {
      throw outcome.status === 401 ? new UnauthorizedException(outcome.refusal) : new ServiceUnavailableException(outcome.refusal);
    }
    request.auth = outcome.auth;
    return true;
  }
}
