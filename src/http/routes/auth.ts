import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import type { IntrospectionRequest, IntrospectionResponse, LoginRequest, RefreshRequest } from '../../contract/api.js';
import { WeappAuthError } from '../../lib/errors.js';
import { authOf } from '../guard.js';
import { type IntrospectionSettings, introspectionCallers } from '../introspection-callers.js';
import { limitPerIp, type RouteLimits } from '../rate-limits.js';
import { requestOrigin } from '../request-origin.js';
import {
  documented,
  errorResponses,
  introspectionRequestSchema,
  introspectionResponseSchema,
  loginRequestSchema,
  refreshRequestSchema,
  tokenResponseSchema,
} from '../schemas.js';
import type { Services } from '../services.js';

/** POST /api/auth/login, /refresh, /introspect and /logout. */
export async function authRoutes(
  app: FastifyInstance,
  services: Services,
  limits: RouteLimits,
  introspection: IntrospectionSettings,
): Promise<void> {
  const perIp = (route: string, perMinute: number): preHandlerAsyncHookHandler => limitPerIp(services.limiter, route, perMinute);

  app.post<{ Body: LoginRequest }>(
    '/api/auth/login',
    {
      preHandler: perIp('login', limits.loginPerIp),
      schema: {
        ...documented('auth', 'Exchange a login code (wx.login, or the named provider’s) for tokens', false),
        body: loginRequestSchema,
        response: { 200: tokenResponseSchema, ...errorResponses },
      },
    },
    async (request) => {
      try {
        const { provider, appid, code, anonymousCode } = request.body;
        const result = await services.login.login({ provider, app: appid, code, anonymousCode }, requestOrigin(request));
        services.metrics.logins.inc({ outcome: result.isNewUser ? 'new_user' : 'returning_user' });
        return result;
      } catch (error) {
        services.metrics.logins.inc({ outcome: error instanceof WeappAuthError ? error.code : 'INTERNAL_ERROR' });
        throw error;
      }
    },
  );

  app.post<{ Body: RefreshRequest }>(
    '/api/auth/refresh',
    {
      preHandler: perIp('refresh', limits.refreshPerIp),
      schema: {
        ...documented('auth', 'Trade a refresh token for new tokens (the one sent is spent)', false),
        body: refreshRequestSchema,
        response: { 200: tokenResponseSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { userId, ...tokens } = await services.sessions.refresh(request.body.refreshToken, requestOrigin(request));
      return { ...tokens, user: await services.profiles.get(userId), isNewUser: false };
    },
  );

  // RFC 7662-style introspection for other backends that verify tokens offline but want to see revocations.
  // It reveals nothing a token's holder cannot already read from it, except whether its session is still live; it is
  // for backends all the same, each with its own credentials and its own limit (introspection-callers.ts).
  app.post<{ Body: IntrospectionRequest }>(
    '/api/auth/introspect',
    {
      onRequest: introspectionCallers(services.limiter, introspection),
      schema: {
        ...documented('auth', 'Is this access token live? (RFC 7662 style; for backends, with their credentials)', false),
        security: [{ introspectionClient: [] }],
        body: introspectionRequestSchema,
        response: { 200: introspectionResponseSchema, ...errorResponses },
      },
    },
    async (request): Promise<IntrospectionResponse> => {
      const claims = await services.sessions.activeClaims(request.body.token);
      if (claims === undefined) return { active: false };
      const exp = Math.floor(claims.expiresAt / 1000);
      return { active: true, sub: claims.userId, sid: claims.sessionId, aud: claims.appid, idp: claims.provider, exp };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      preHandler: app.authenticate,
      schema: { ...documented('auth', 'End this session', true), response: { 204: { type: 'null' }, ...errorResponses } },
    },
    async (request, reply) => {
      await services.sessions.revoke(authOf(request), 'logout', requestOrigin(request));
      return reply.code(204).send();
    },
  );
}
