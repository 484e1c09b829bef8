/**
 * Request bodies. WeChat parses POST bodies as JSON whatever the Content-Type says, and SDKs send anything from
 * application/json to text/plain to nothing; so the simulator takes every body as raw text and parses it itself:
 * the WeChat side answers 47001 for broken JSON, the control API 400.
 */
import type { FastifyInstance } from 'fastify';

/** Encapsulated: affects only the simulator's routes, never a host app that mounts it. */
export function acceptAnyBodyAsText(scope: FastifyInstance): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
}

/** The JSON object in a raw body; an empty body is an empty object. `undefined` when it is not a JSON object. */
export function parseJsonObject(raw: unknown): Record<string, unknown> | undefined {
  if (raw === undefined || raw === '') return {};
  if (typeof raw !== 'string') return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
