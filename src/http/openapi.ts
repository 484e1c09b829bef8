import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

/**
 * The OpenAPI 3 description is generated from the route schemas (so it cannot drift from what the server
 * validates) and served with an interactive page at /docs. Only tagged routes are listed: the simulator's routes
 * under /sim are WeChat's API, not ours, and stay out.
 */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    hideUntagged: true,
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'weapp-auth',
        version,
        description: 'Login and session server for WeChat Mini Programs. Errors: {"error":{"code","message","requestId"}}.',
      },
      tags: [
        { name: 'auth', description: 'wx.login code → tokens; refresh; logout; introspection' },
        { name: 'user', description: 'the signed-in user' },
        { name: 'wechat', description: 'encrypted data and the session_key, which never leaves the server' },
        { name: 'keys', description: 'public keys for verifying access tokens elsewhere' },
        { name: 'health', description: 'liveness and readiness' },
      ],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (EdDSA)' },
          introspectionClient: {
            type: 'http',
            scheme: 'basic',
            description: 'a backend’s client_id:client_secret from INTROSPECTION_CLIENTS (RFC 7662 §2.1)',
          },
        },
      },
    },
  });
  // Swagger UI's own strict CSP (its scripts and styles only, from this origin).
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
}
