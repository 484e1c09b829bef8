import type { FastifyReply, FastifyRequest } from 'fastify';
import { authenticate } from './authenticate.js';
import type { TokenVerifier } from './verifier.js';

/**
 * Fastify preHandler: `app.get('/orders', { preHandler: fastifyAuth(verifier) }, …)` or
 * `app.addHook('preHandler', fastifyAuth(verifier))`. The claims are on `request.auth`; declare it once with
 * `app.decorateRequest('auth', null)` so Fastify keeps one request shape.
 */
export function fastifyAuth(verifier: TokenVerifier): (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined> {
  return async (request, reply) => {
    const outcome = await authenticate(verifier, request.headers.authorization, request.id);
    if (outcome.refusal !== undefined) return reply.code(outcome.status).send(outcome.refusal);
    // Not typed through FastifyRequest: declaration merging would clash with any other `auth` (the server's own).
    Object.assign(request, { auth: outcome.auth });
    return undefined;
  };
}
