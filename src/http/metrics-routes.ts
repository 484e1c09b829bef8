import Fastify, { type FastifyInstance } from 'fastify';
import { constantTimeEqual } from '../lib/crypto/random.js';
import { WeappAuthError } from '../lib/errors.js';
import type { Metrics } from '../observability/metrics.js';

/** Counts every request by its route pattern (never the raw URL, which would explode the label set). */
export function countRequests(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    metrics.observeRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}

/** GET /metrics on the main port, for scrapers that present the configured token. Without a token: not served. */
export function metricsRoute(app: FastifyInstance, metrics: Metrics, token: string): void {
  app.get('/metrics', async (request, reply) => {
    const presented = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
    if (!constantTimeEqual(presented, token)) throw new WeappAuthError('TOKEN_INVALID', 'send the metrics token as a Bearer token');
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}

/** /metrics alone on a port of its own (bind it to a private address), for scrapers that cannot hold a token. */
export async function startMetricsServer(metrics: Metrics, host: string, port: number): Promise<FastifyInstance> {
  const server = Fastify({ logger: false });
  server.get('/metrics', async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  await server.listen({ host, port });
  return server;
}
