import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorBody } from '../contract/api.js';
import { ERROR_STATUS } from '../contract/errors/index.js';
import { type ErrorCode, WeappAuthError } from '../lib/errors.js';
import { MESSAGES_ZH, prefersChinese } from './messages-zh.js';

/** Fastify's own errors, by their codes, mapped to ours. */
const FASTIFY_CODES: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_VALIDATION: 'VALIDATION_FAILED',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
};

export function sendError(reply: FastifyReply, error: WeappAuthError): FastifyReply {
  const message = prefersChinese(reply.request.headers['accept-language']) ? MESSAGES_ZH[error.code] : error.message;
  const body: ErrorBody = { error: { code: error.code, message, requestId: String(reply.request.id) } };
  if (error.details !== undefined) body.error.details = { ...error.details };
  const retryAfter = error.details?.retryAfterSeconds;
  if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
  return reply.code(ERROR_STATUS[error.code]).type('application/json; charset=utf-8').send(body);
}

/** Turns anything thrown into a stable error body. Only a genuine bug answers 500, and it is logged. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | WeappAuthError, request: FastifyRequest, reply: FastifyReply) => {
    // Outages arrive as our own errors too: the store turns a database or Redis that is down or overloaded into
    // DATABASE_UNAVAILABLE or REDIS_UNAVAILABLE (503, to retry after), so nothing here knows a driver's errors.
    if (error instanceof WeappAuthError) {
      const status = ERROR_STATUS[error.code];
      if (status >= 500)
        request.log.warn({ errorCode: error.code, details: error.details, cause: describeCause(error.cause) }, error.message);
      return sendError(reply, error);
    }
    const mapped = error.code === undefined ? undefined : FASTIFY_CODES[error.code];
    if (mapped !== undefined) return sendError(reply, new WeappAuthError(mapped, error.message));
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      return sendError(reply, new WeappAuthError('BAD_REQUEST', error.message));
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendError(reply, new WeappAuthError('INTERNAL_ERROR', 'an unexpected error occurred'));
  });

  app.setNotFoundHandler((request, reply) =>
    sendError(reply, new WeappAuthError('NOT_FOUND', `no route for ${request.method} ${request.url.split('?')[0]}`)),
  );
}

/** A cause worth logging: its name and message only, never a request or response object that may hold secrets. */
function describeCause(cause: unknown): string | undefined {
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : undefined;
}
