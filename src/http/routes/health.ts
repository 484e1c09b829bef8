import type { FastifyInstance } from 'fastify';
import { WeappAuthError } from '../../errors.js';
import { documented, errorResponses } from '../schemas.js';
import type { Services } from '../services.js';

/** /healthz: the process answers. /readyz: it can also reach its database, so a load balancer may send traffic. */
export async function healthRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const status = { type: 'object', required: ['status'], properties: { status: { type: 'string' } } } as const;
  app.get('/healthz', { schema: { ...documented('health', 'The process answers (liveness)', false), response: { 200: status } } }, async () => ({
    status: 'ok',
  }));

  app.get('/readyz', { schema: { ...documented('health', 'The database answers too (readiness)', false), response: { 200: status, ...errorResponses } } }, async () => {
    try {
      await services.pingDatabase();
    } catch (error) {
      throw new WeappAuthError('DATABASE_UNAVAILABLE', 'the database cannot be reached', { cause: error });
    }
    return { status: 'ready' };
  });
}
