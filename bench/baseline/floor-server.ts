/**
 * The same-run baselines, run as a child process like the server: the floors weapp-auth is measured against.
 *   GET  /bare   a bare Fastify route answering a small JSON the size of a /api/me answer;
 *   POST /login  a bare Fastify route making the one loopback HTTP call a login cannot avoid: jscode2session on the
 *                same simulator, through fetch with a timeout and text-then-JSON parsing, as the server's WeChat
 *                client does. Everything a real login adds (database, session, token signing) is what it lacks.
 *   GET  /peer   the peer: the same answer behind @fastify/jwt's HS256 verification, the usual way to guard a
 *                Fastify route with a token (no session check, no revocation);
 *   POST /peer/token  signs a token for /peer (not measured).
 * Environment: PORT, WECHAT_API_BASE, APPID, SECRET; FLOOR_LOGGER `info` for Fastify's own request log at info
 * (a line as each request arrives and as it is answered, to stdout), anything else for no logger.
 */
import fastifyJwt from '@fastify/jwt';
import Fastify, { type FastifyInstance } from 'fastify';

const TIMEOUT_MS = 5000;

/** A user-shaped answer, so serialisation costs what /api/me's does. */
const USER = {
  id: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  nickname: null,
  avatarUrl: null,
  phoneBound: false,
  phone: null,
  createdAt: 1_732_000_000_000,
  updatedAt: 1_732_000_000_000,
};

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is required`);
  return value;
}

function buildFloor(): FastifyInstance {
  const apiBase = required('WECHAT_API_BASE');
  const credentials = { appid: required('APPID'), secret: required('SECRET'), grant_type: 'authorization_code' };
  const app = Fastify({ logger: process.env.FLOOR_LOGGER === 'info' ? { level: 'info' } : false });
  app.register(fastifyJwt, { secret: required('SECRET') });

  app.get('/readyz', async () => ({ status: 'ready' }));
  app.get('/bare', async () => USER);
  app.get('/peer', { onRequest: (request) => request.jwtVerify() }, async () => USER);
  app.post<{ Body: { sub: string } }>('/peer/token', async (request) => ({ token: app.jwt.sign({ sub: request.body.sub }) }));
  app.post<{ Body: { code: string } }>('/login', async (request, reply) => {
    const query = new URLSearchParams({ ...credentials, js_code: request.body.code });
    const response = await fetch(`${apiBase}/sns/jscode2session?${query.toString()}`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    const answer = JSON.parse(await response.text()) as { openid?: string; errcode?: number };
    if (answer.openid === undefined) return reply.code(400).send({ error: answer.errcode });
    return { openid: answer.openid };
  });
  return app;
}

await buildFloor().listen({ host: '127.0.0.1', port: Number(required('PORT')) });
