import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { readBearerHeader } from '../contract/bearer.js';
import type { Sessions } from '../core/sessions.js';
import type { AccessClaims, AccessTokens } from '../core/tokens/access-tokens.js';
import { WeappAuthError } from '../lib/errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth guard on routes that use it; null elsewhere. */
    auth: AccessClaims | null;
  }
  interface FastifyInstance {
    /**
     * The auth guard, for any route an operator adds: `{ preHandler: app.authenticate }`. It accepts a token of
     * any app this server serves; `request.auth.appid` says which.
     */
    authenticate: preHandlerAsyncHookHandler;
    /** The auth guard for one app: a token of another configured app is refused with 401 TOKEN_INVALID. */
    authenticateApp(appid: string): preHandlerAsyncHookHandler;
  }
}

/**
 * Checks the Bearer access token (signature, type, issuer, audience, expiry: once per token, then cached) and
 * that its session is still live, then puts the claims on `request.auth`.
 */
export function createAuthGuard(accessTokens: AccessTokens, sessions: Sessions): preHandlerAsyncHookHandler {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    const claims = await accessTokens.verify(tokenOf(request));
    await sessions.assertActive(claims.sessionId, claims.userId);
    request.auth = claims;
  };
}

/**
 * `app.authenticateApp`: the guard, then the token's audience must be `appid`, as a backend verifying with
 * `audience: appid` would demand. An appid the server does not serve is a mistake in the code, refused at once.
 */
export function createAppGuard(
  authenticate: preHandlerAsyncHookHandler,
  appids: readonly string[],
): (appid: string) => preHandlerAsyncHookHandler {
  return (appid) => {
    if (!appids.includes(appid)) throw new Error(`authenticateApp: ${appid} is not an app this server serves (${appids.join(', ')})`);
    return async function authenticateApp(this: FastifyInstance, request: FastifyRequest, reply: FastifyReply): Promise<void> {
      await authenticate.call(this, request, reply);
      if (authOf(request).appid !== appid) {
        throw new WeappAuthError('TOKEN_INVALID', `the access token is for another app, not ${appid}`);
      }
    };
  };
}

/** The Bearer token, read exactly as backends using weapp-auth/verify read it (the scheme in any case, RFC 6750). */
function tokenOf(request: FastifyRequest): string {
  const bearer = readBearerHeader(request.headers.authorization);
  if ('refusal' in bearer) throw new WeappAuthError(bearer.refusal, bearer.message);
  return bearer.token;
}

/** The claims of a request that passed the guard; a route reaching this without the guard is a programming error. */
export function authOf(request: FastifyRequest): AccessClaims {
  if (request.auth === null) throw new Error(`route ${request.routeOptions.url ?? request.url} is missing the auth guard`);
  return request.auth;
}
