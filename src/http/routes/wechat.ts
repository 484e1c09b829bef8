import type { FastifyInstance } from 'fastify';
import { authOf } from '../guard.js';
import { guardedAndLimited, type RouteLimits } from '../rate-limits.js';
import { requestOrigin } from '../request-origin.js';
import { documented, encryptedPayloadProperties, errorResponses } from '../schemas.js';
import type { Services } from '../services.js';

/** Legacy signatures and the health of the session's session_key, which itself never leaves the server (decrypt: me.ts). */
export async function wechatRoutes(app: FastifyInstance, services: Services, limits: RouteLimits): Promise<void> {
  app.post<{ Body: { rawData: string; signature: string } }>(
    '/api/wechat/verify-signature',
    {
      preHandler: guardedAndLimited(app, services.limiter, limits.wechatPerUser),
      schema: {
        ...documented('wechat', 'Check a legacy getUserInfo rawData signature', true),
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['rawData', 'signature'],
          properties: { rawData: { type: 'string', maxLength: 16_384 }, signature: { type: 'string', pattern: '^[0-9a-fA-F]{40}$' } },
        },
        response: { 200: { type: 'object', required: ['valid'], properties: { valid: { type: 'boolean' } } }, ...errorResponses },
      },
    },
    async (request) => ({
      valid: await services.sessionKeys.verifyRawData(authOf(request), request.body.rawData, request.body.signature),
    }),
  );

  const statusSchema = {
    type: 'object',
    required: ['current', 'updatedAt'],
    properties: { current: { type: 'boolean' }, updatedAt: { type: 'string', format: 'date-time' } },
  } as const;

  app.get(
    '/api/wechat/session-key',
    {
      preHandler: guardedAndLimited(app, services.limiter, limits.wechatPerUser),
      schema: {
        ...documented('wechat', 'Is the stored session_key still current? (WeChat checksession)', true),
        response: { 200: statusSchema, ...errorResponses },
      },
    },
    async (request) => {
      const account = await services.sessionKeys.of(authOf(request));
      return { current: await services.sessionKeys.isCurrent(account), updatedAt: new Date(account.updatedAt).toISOString() };
    },
  );

  app.post(
    '/api/wechat/session-key/reset',
    {
      preHandler: guardedAndLimited(app, services.limiter, limits.wechatPerUser),
      schema: {
        ...documented('wechat', 'Replace a current session_key (WeChat resetusersessionkey)', true),
        response: { 200: statusSchema, ...errorResponses },
      },
    },
    async (request) => {
      const account = await services.sessionKeys.of(authOf(request));
      return { current: true, updatedAt: new Date(await services.sessionKeys.reset(account, requestOrigin(request))).toISOString() };
    },
  );
}
