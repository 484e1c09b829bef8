/**
 * Verify weapp-auth access tokens in your own Node backend, offline, with the server's JWKS.
 * The NestJS guard is in `weapp-auth/verify/nestjs` (it needs @nestjs/common).
 */
export { bearerToken } from './bearer.js';
export { type ErrorBody, errorBody, TokenError, type TokenErrorCode, type UnavailableCode, UnavailableError } from './errors.js';
export { type ExpressLikeRequest, type ExpressLikeResponse, expressAuth } from './express.js';
export { fastifyAuth } from './fastify.js';
export { IntrospectionError, type IntrospectOptions, introspectSession } from './introspect.js';
export { type KoaLikeContext, koaAuth } from './koa.js';
export type { SessionCheck } from './session-check.js';
export type { VerifiedAuth } from './verified-auth.js';
export { createTokenVerifier, type TokenVerifier, type TokenVerifierOptions } from './verifier.js';
