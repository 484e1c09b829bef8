import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { AccessClaims, AccessTokens } from '../auth/access-tokens.js';
import type { Sessions } from '../auth/sessions.js';
import { WeappAuthError } from '../errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth guard on routes that use it; null elsewhere. */
    auth: AccessClaims | null;
  }
  interface FastifyInstance {
    /** The auth guard, for any route an operator adds: `{ preHandler: app.authenticate }`. */
    authenticate: preHandlerAsyncHookHandler;
  }
}

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

/**
 * Checks the Bearer access token (signature, type, issuer, audience, expiry: once per token, then cached) and
 * that its session is still live, then puts the claims on `request.auth`.
 */
export function createAuthGuard(accessTokens: AccessTokens, sessions: Sessions): preHandlerAsyncHookHandler {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    const header = request.headers.authorization;
    if (header === undefined || header === '') {
      throw new WeappAuthError('TOKEN_MISSING', 'send the access token as "Authorization: Bearer <token>"');
    }
    const match = BEARER.exec(header);
    if (match?.[1] === undefined) throw new WeappAuthError('TOKEN_INVALID', 'the Authorization header is not a Bearer token');
    const claims = await accessTokens.verify(match[1]);
    await sessions.assertActive(claims.sessionId, claims.userId);
    request.auth = claims;
  };
}

/** The claims of a request that passed the guard; a route reaching this without the guard is a programming error. */
export function authOf(request: FastifyRequest): AccessClaims {
  if (request.auth === null) throw new Error(`route ${request.routeOptions.url ?? request.url} is missing the auth guard`);
  return request.auth;
}
