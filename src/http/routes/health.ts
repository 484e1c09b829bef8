import type { FastifyInstance } from 'fastify';
import { WeappAuthError } from '../../lib/errors.js';
import { documented, errorResponses } from '../schemas.js';
import type { Services } from '../services.js';

/**
 * /healthz: the process answers. /readyz: it can also reach its database, so a load balancer may send traffic.
 * Redis down does not make an instance unready: every instance would be pulled at once although each can still
 * serve alone (docs/deployment.md). It is reported instead: `degraded`, `redis: "down"`.
 */
export async function healthRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const status = { type: 'object', required: ['status'], properties: { status: { type: 'string' } } } as const;
  app.get(
    '/healthz',
    { schema: { ...documented('health', 'The process answers (liveness)', false), response: { 200: status } } },
    async () => ({
      status: 'ok',
    }),
  );

  const readiness = {
    type: 'object',
    required: ['status'],
    properties: { status: { type: 'string', enum: ['ready', 'degraded'] }, redis: { type: 'string', enum: ['up', 'down'] } },
  } as const;
  app.get(
    '/readyz',
    {
      schema: {
        ...documented('health', 'The database answers too (readiness); Redis reported when configured', false),
        response: { 200: readiness, ...errorResponses },
      },
    },
    async () => {
      try {
        await services.pingDatabase();
      } catch (error) {
        throw new WeappAuthError('DATABASE_UNAVAILABLE', 'the database cannot be reached', { cause: error });
      }
      if (services.pingRedis === undefined) return { status: 'ready' };
      try {
        await services.pingRedis();
        return { status: 'ready', redis: 'up' };
      } catch (error) {
        if (!(error instanceof WeappAuthError && error.code === 'REDIS_UNAVAILABLE')) throw error;
        return { status: 'degraded', redis: 'down' };
      }
    },
  );
}
