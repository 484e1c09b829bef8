import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { RateLimiter } from '../core/rate-limiter.js';
import { authOf } from './guard.js';

/** Requests per minute (0 = unlimited), counted in the shared kv so every instance counts the same window. */
export interface RouteLimits {
  loginPerIp: number;
  refreshPerIp: number;
  /** Per signed-in user, on routes that spend WeChat quota (phone numbers, checksession, resets) or decrypt. */
  wechatPerUser: number;
}

export function limitPerIp(limiter: RateLimiter, route: string, perMinute: number): preHandlerAsyncHookHandler {
  return async function limitPerIp(request: FastifyRequest): Promise<void> {
    await limiter.hit(`${route}:ip:${request.ip}`, perMinute);
  };
}

/**
 * The auth guard, then a per-user limit: one user with a valid token must not be able to spend the app's
 * WeChat quota (45011 hits every user of the app) or keep the server decrypting.
 */
export function guardedAndLimited(app: FastifyInstance, limiter: RateLimiter, perMinute: number): preHandlerAsyncHookHandler[] {
  return [
    app.authenticate,
    async function limitPerUser(request: FastifyRequest): Promise<void> {
      await limiter.hit(`wechat:user:${authOf(request).userId}`, perMinute);
    },
  ];
}
