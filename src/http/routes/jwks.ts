import type { FastifyInstance } from 'fastify';
import { documented } from '../schemas.js';
import type { Services } from '../services.js';

/** GET /.well-known/jwks.json: the public keys any backend uses to verify our access tokens offline. */
export async function jwksRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const jwk = {
    type: 'object',
    additionalProperties: true,
    properties: { kid: { type: 'string' }, kty: { type: 'string' }, crv: { type: 'string' }, x: { type: 'string' } },
  };
  const schema = {
    ...documented('keys', 'The public keys that sign access tokens (JWKS)', false),
    response: { 200: { type: 'object', properties: { keys: { type: 'array', items: jwk } } } },
  };
  app.get('/.well-known/jwks.json', { schema }, async (_request, reply) => {
    // A verifier honouring max-age drops a key withdrawn by `keys rotate --now` within a minute; a new key is
    // learnt sooner, on its unknown kid.
    reply.header('cache-control', 'public, max-age=60');
    return services.signingKeys.jwks();
  });
}
