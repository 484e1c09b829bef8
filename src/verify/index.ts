/**
 * Verify weapp-auth access tokens in your own Node backend, offline, with the server's JWKS.
 * The NestJS guard is in `weapp-auth/verify/nestjs` (it needs @nestjs/common).
 */
export { bearerToken } from './bearer.js';
export { errorBody, TokenError, UnavailableError, type ErrorBody, type TokenErrorCode, type UnavailableCode } from './errors.js';
export { expressAuth, type ExpressLikeRequest, type ExpressLikeResponse } from './express.js';
export { fastifyAuth } from './fastify.js';
export { IntrospectionError, introspectSession, type IntrospectOptions } from './introspect.js';
export { koaAuth, type KoaLikeContext } from './koa.js';
export type { SessionCheck } from './session-check.js';
export { createTokenVerifier, type TokenVerifier, type TokenVerifierOptions } from './verifier.js';
export type { VerifiedAuth } from './verified-auth.js';
