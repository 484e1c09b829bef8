import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import { WeappAuthError } from '../../lib/errors.js';
import { clientInfo } from '../client-info.js';
import { authOf } from '../guard.js';
import { type IntrospectionSettings, introspectionCallers } from '../introspection-callers.js';
import { limitPerIp, type RouteLimits } from '../rate-limits.js';
import { documented, errorResponses, tokenResponseSchema } from '../schemas.js';
import type { Services } from '../services.js';

interface LoginBody {
  code: string;
  /** The identity provider; WeChat mini program when absent. */
  provider?: string;
  /** The provider's app (for WeChat the appid); the provider's first configured app when absent. */
  appid?: string;
}

interface RefreshBody {
  refreshToken: string;
}

/** POST /api/auth/login, /refresh, /introspect and /logout. */
export async function authRoutes(
  app: FastifyInstance,
  services: Services,
  limits: RouteLimits,
  introspection: IntrospectionSettings,
): Promise<void> {
  const perIp = (route: string, perMinute: number): preHandlerAsyncHookHandler => limitPerIp(services.limiter, route, perMinute);

  app.post<{ Body: LoginBody }>(
    '/api/auth/login',
    {
      preHandler: perIp('login', limits.loginPerIp),
      schema: {
        ...documented('auth', 'Exchange a login code (wx.login, or the named provider’s) for tokens', false),
        body: {
          type: 'object',
          required: ['code'],
          properties: {
            // wx.login codes are 32 characters today; leave room, but not for a megabyte.
            code: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[\\x21-\\x7e]+$' },
            provider: { type: 'string', pattern: '^[a-z][a-z0-9-]{1,31}$' },
            // Each platform spells app ids its own way (wx…, tt…, digits, keys); the configuration says which exist.
            appid: { type: 'string', pattern: '^[A-Za-z0-9_.-]{4,64}$' },
          },
        },
        response: { 200: tokenResponseSchema, ...errorResponses },
      },
    },
    async (request) => {
      try {
        const { provider, appid, code } = request.body;
        const result = await services.login.login({ provider, app: appid, code }, clientInfo(request));
        services.metrics.logins.inc({ outcome: result.isNewUser ? 'new_user' : 'returning_user' });
        return result;
      } catch (error) {
        services.metrics.logins.inc({ outcome: error instanceof WeappAuthError ? error.code : 'INTERNAL_ERROR' });
        throw error;
      }
    },
  );

  app.post<{ Body: RefreshBody }>(
    '/api/auth/refresh',
    {
      preHandler: perIp('refresh', limits.refreshPerIp),
      schema: {
        ...documented('auth', 'Trade a refresh token for new tokens (the one sent is spent)', false),
        body: {
          type: 'object',
          required: ['refreshToken'],
          properties: { refreshToken: { type: 'string', minLength: 1, maxLength: 256 } },
        },
        response: { 200: tokenResponseSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { userId, ...tokens } = await services.sessions.refresh(request.body.refreshToken);
      return { ...tokens, user: await services.profiles.get(userId), isNewUser: false };
    },
  );

  // RFC 7662-style introspection for other backends that verify tokens offline but want to see revocations.
  // It reveals nothing a token's holder cannot already read from it, except whether its session is still live; it is
  // for backends all the same, each with its own credentials and its own limit (introspection-callers.ts).
  app.post<{ Body: { token: string } }>(
    '/api/auth/introspect',
    {
      onRequest: introspectionCallers(services.limiter, introspection),
      schema: {
        ...documented('auth', 'Is this access token live? (RFC 7662 style; for backends, with their credentials)', false),
        security: [{ introspectionClient: [] }],
        body: { type: 'object', required: ['token'], properties: { token: { type: 'string', minLength: 1, maxLength: 4096 } } },
        response: {
          200: {
            type: 'object',
            required: ['active'],
            properties: {
              active: { type: 'boolean' },
              sub: { type: 'string' },
              sid: { type: 'string' },
              aud: { type: 'string' },
              idp: { type: 'string' },
              exp: { type: 'integer' },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
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
      await services.sessions.revoke(authOf(request), 'logout');
      return reply.code(204).send();
    },
  );
}
