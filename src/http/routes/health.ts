import type { FastifyInstance } from 'fastify';
import { WeappAuthError } from '../../errors.js';
import type { Services } from '../services.js';

/** /healthz: the process answers. /readyz: it can also reach its database, so a load balancer may send traffic. */
export async function healthRoutes(app: FastifyInstance, services: Services): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async () => {
    try {
      await services.pingDatabase();
    } catch (error) {
      throw new WeappAuthError('DATABASE_UNAVAILABLE', 'the database cannot be reached', { cause: error });
    }
    return { status: 'ready' };
  });
}
