/** What every simulator's control API does before its routes: refuse foreign callers, parse bodies strictly, answer errors alike. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseJsonObject } from './body.js';
import { badRequest, controlErrorHandler } from './control-errors.js';
import { checkControlRequest } from './control-guard.js';

/** Applies to the encapsulated `scope` the control API is registered in; `hosts` as checkControlRequest takes them. */
export function guardControlScope(scope: FastifyInstance, hosts: readonly string[]): void {
  scope.setErrorHandler(controlErrorHandler);
  scope.addHook('onRequest', async (request) => {
    checkControlRequest(request, hosts);
  });
  scope.addHook('preValidation', async (request) => {
    request.body = checkedJsonBody(request);
  });
}

/**
 * Parses the raw body of routes that declare one, before schema validation. Unknown fields are refused here by
 * name, because Fastify's default Ajv setup would silently strip them and a typo (openId) would go unnoticed.
 */
function checkedJsonBody(request: FastifyRequest): unknown {
  const schema = request.routeOptions.schema?.body as { properties?: Record<string, unknown> } | undefined;
  if (!schema?.properties) return request.body;
  const body = parseJsonObject(request.body);
  if (body === undefined) throw badRequest('body must be a JSON object, e.g. {"openid": "..."}');
  const unknown = Object.keys(body).filter((key) => !Object.hasOwn(schema.properties as object, key));
  if (unknown.length > 0) throw badRequest(`unknown field(s): ${unknown.join(', ')}`);
  return body;
}
