import swagger, { type StaticDocumentSpec } from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';

/** The document as generated here: OpenAPI 3.0 (`openapi: '3.0.3'` below). */
type OpenApiDocument = StaticDocumentSpec['document'];

/** What a browser may send that changes the page's answer: conditional requests, so assets revalidate as 304. */
const FORWARDED_REQUEST_HEADERS = ['if-none-match', 'if-modified-since', 'accept'] as const;
/** What the page's answer keeps: its type, its own content security policy, caching and redirects. */
const KEPT_ANSWER_HEADERS = ['content-type', 'content-security-policy', 'cache-control', 'etag', 'last-modified', 'location'];

/**
 * The OpenAPI 3 description is generated from the route schemas (so it cannot drift from what the server
 * validates) and served with an interactive page at /docs. Only tagged routes are listed: the simulator's routes
 * under /sim are WeChat's API, not ours, and stay out.
 *
 * The page (Swagger UI: its plugin, @fastify/static and 2.5 MB of assets, about 5 MiB of a server's memory and a
 * tenth of its start-up) is built on the first request under /docs, in a Fastify app of its own that this one
 * forwards to: most servers never show it, and every answer still passes this app's hooks (request id, metrics,
 * logs).
 */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    hideUntagged: true,
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'weapp-auth',
        version,
        description: 'Login and session server for mini programs. Errors: {"error":{"code","message","requestId"}}.',
      },
      tags: [
        { name: 'auth', description: 'login code → tokens; refresh; logout; introspection' },
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
  let page: Promise<FastifyInstance> | undefined;
  const forward = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    // Built once, from the document as it stands when every route is registered; a failed build is tried again.
    page ??= docsApp(app.swagger() as OpenApiDocument).catch((error: unknown) => {
      page = undefined;
      throw error;
    });
    const headers = Object.fromEntries(
      FORWARDED_REQUEST_HEADERS.flatMap((name) => (typeof request.headers[name] === 'string' ? [[name, request.headers[name]]] : [])),
    );
    const answer = await (await page).inject({ method: 'GET', url: request.url, headers });
    // Not found in the page's app is not found here: this server's own error body, not Fastify's default one.
    if (answer.statusCode === 404) {
      reply.callNotFound();
      return reply;
    }
    for (const name of KEPT_ANSWER_HEADERS) {
      const value = answer.headers[name];
      if (value !== undefined) reply.header(name, value);
    }
    return reply.code(answer.statusCode).send(answer.rawPayload);
  };
  app.get('/docs', { schema: { hide: true } }, forward);
  app.get('/docs/*', { schema: { hide: true } }, forward);
  app.addHook('onClose', async () => {
    await (await page?.catch(() => undefined))?.close();
  });
}

/** Swagger UI at /docs over a fixed document, with its own strict CSP (its scripts and styles only, from this origin). */
async function docsApp(document: OpenApiDocument): Promise<FastifyInstance> {
  const { default: swaggerUi } = await import('@fastify/swagger-ui');
  const docs = Fastify({ logger: false });
  await docs.register(swagger, { mode: 'static', specification: { document } });
  await docs.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  await docs.ready();
  return docs;
}
