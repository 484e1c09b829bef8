/**
 * Errors of the control API, which is ours and speaks plain HTTP: a 4xx with {"error":{"code","message"}}.
 * Any input, however malformed, gets such an answer; a 500 would mean a simulator bug.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

export class ControlError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function badRequest(message: string): ControlError {
  return new ControlError(400, 'BAD_REQUEST', message);
}

export function controlErrorHandler(error: FastifyError | ControlError, _request: FastifyRequest, reply: FastifyReply): void {
  if (error instanceof ControlError) {
    void reply.code(error.statusCode).send({ error: { code: error.code, message: error.message } });
    return;
  }
  // Fastify's own client errors (schema validation, body too large, unreadable body) keep their 4xx; anything else
  // is a simulator bug and stays visible as a 500.
  const status = error.validation ? 400 : (error.statusCode ?? 500);
  const code = status < 500 ? 'BAD_REQUEST' : 'INTERNAL';
  void reply.code(status).send({ error: { code, message: error.message } });
}
