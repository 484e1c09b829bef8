import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.js';

/** GET /.well-known/jwks.json: the public keys any backend uses to verify our access tokens offline. */
export async function jwksRoutes(app: FastifyInstance, services: Services): Promise<void> {
  app.get('/.well-known/jwks.json', async (_request, reply) => {
    // Verifiers may cache briefly: JWKS clients (jose, php-jwt, jwks-rsa) refetch when they meet an unknown kid.
    reply.header('cache-control', 'public, max-age=300');
    return services.signingKeys.jwks();
  });
}
