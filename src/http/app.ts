import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import { installErrorHandlers } from './errors.js';
import { createAppGuard, createAuthGuard } from './guard.js';
import type { IntrospectionSettings } from './introspection-callers.js';
import { installJsonParser } from './json-body.js';
import { countRequests, metricsRoute } from './metrics-routes.js';
import { registerOpenApi } from './openapi.js';
import type { RouteLimits } from './rate-limits.js';
import { distrustInvalidForwardedFor } from './request-origin.js';
import { authRoutes } from './routes/auth.js';
import { healthRoutes } from './routes/health.js';
import { jwksRoutes } from './routes/jwks.js';
import { meRoutes } from './routes/me.js';
import { wechatRoutes } from './routes/wechat.js';
import type { Services } from './services.js';

/**
 * Slow clients are cut off: the request line and headers must arrive within headersMs and the whole request
 * within requestMs; an idle keep-alive connection is closed after keepAliveMs.
 */
export interface HttpTimeouts {
  headersMs: number;
  requestMs: number;
  keepAliveMs: number;
}

export interface AppOptions {
  services: Services;
  /** The apps this server serves: `app.authenticateApp` guards for one of them. */
  appids: string[];
  logger: Logger;
  limits: RouteLimits;
  /** Who may call POST /api/auth/introspect, and how often. */
  introspection: IntrospectionSettings;
  bodyLimitBytes: number;
  httpTimeouts: HttpTimeouts;
  trustProxy: boolean | number | string[];
  /** weapp-auth's version, shown in the OpenAPI description. */
  version: string;
  /** Serve /metrics on this app behind this bearer token; undefined: not on this app. */
  metricsToken: string | undefined;
  /** Plugins registered after our routes: the WeChat simulator under /sim in simulator mode, the operator's own routes. */
  mounts?: { prefix: string; plugin: FastifyPluginAsync }[];
}

/** The Fastify application: routes, guard, error mapping. No listening, no process concerns. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // Typed as Fastify's logger interface so the instance is the plain FastifyInstance route modules take.
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: options.bodyLimitBytes,
    // Slow clients are cut off (answered 408): Fastify sets no request timeout and Node checks its timeouts only
    // every 30 s; once a second keeps the bounds close to what is configured.
    requestTimeout: options.httpTimeouts.requestMs,
    keepAliveTimeout: options.httpTimeouts.keepAliveMs,
    http: {
      headersTimeout: options.httpTimeouts.headersMs,
      requestTimeout: options.httpTimeouts.requestMs,
      connectionsCheckingInterval: 1_000,
    },
    // A hop count as the function Fastify's own number form stands for: trust the first N proxies.
    trustProxy: typeof options.trustProxy === 'number' ? trustHops(options.trustProxy) : options.trustProxy,
    genReqId: () => randomUUID(),
    // Wrong types are errors, not something to coerce: `{"code": 123}` is a bad request.
    // Unknown properties are refused where a schema says so (a typo like avatarURL must not pass silently).
    ajv: { customOptions: { coerceTypes: false, allErrors: false, removeAdditional: false } },
    return503OnClosing: true,
  });

  // Once the server is closing, every answer ends its connection: otherwise keep-alive connections that served
  // the last in-flight requests stay open until their idle timeout (HTTP_KEEP_ALIVE_TIMEOUT_MS) and hold the
  // shutdown that long.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // One synchronous hook for what every request needs (an async hook costs a promise per request and hook). Headers
  // set here stay on whatever answer follows, an error's included.
  app.addHook('onRequest', (request, reply, done) => {
    // Before anything reads request.ip: rate limits, logs, and the origin routes pass to the core.
    distrustInvalidForwardedFor(request);
    reply.header('x-request-id', request.id);
    // /api answers carry tokens (RFC 6749 5.1: no-store) or the user's own data: no cache on the way may keep
    // them. A route of the operator's that wants caching sets its own Cache-Control, replacing this one.
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    done();
  });
  // Requests already past onRequest when the close began are answered after it: the header goes on at sending.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  installErrorHandlers(app);
  installJsonParser(app);
  app.decorateRequest('auth', null);
  const authenticate = createAuthGuard(options.services.accessTokens, options.services.sessions);
  app.decorate('authenticate', authenticate);
  app.decorate('authenticateApp', createAppGuard(authenticate, options.appids));

  countRequests(app, options.services.metrics);
  if (options.metricsToken !== undefined) metricsRoute(app, options.services.metrics, options.metricsToken);
  await registerOpenApi(app, options.version);
  await healthRoutes(app, options.services);
  await jwksRoutes(app, options.services);
  await authRoutes(app, options.services, options.limits, options.introspection);
  await meRoutes(app, options.services, options.limits);
  await wechatRoutes(app, options.services, options.limits);
  for (const mount of options.mounts ?? []) await app.register(mount.plugin, { prefix: mount.prefix });
  return app;
}

function trustHops(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}
