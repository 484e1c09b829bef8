import type { FastifyRequest } from 'fastify';
import type { ClientInfo } from '../auth/sessions.js';

/** The caller's address (through trusted proxies only) and user agent, as recorded on its session. */
export function clientInfo(request: FastifyRequest): ClientInfo {
  const userAgent = request.headers['user-agent'];
  return { ip: request.ip ?? null, userAgent: typeof userAgent === 'string' ? userAgent : null };
}
