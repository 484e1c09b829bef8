import type { FastifyInstance } from 'fastify';
import secureJsonParse from 'secure-json-parse';
import { WeappAuthError } from '../lib/errors.js';

/**
 * JSON bodies parsed with prototype-poisoning protection, as Fastify does, except that an empty body is no
 * body: wx.request sends `Content-Type: application/json` with nothing for a bodiless POST such as logout.
 * Routes that need a body still get a 400 from their schema. JSON is the only body type: Fastify's text/plain
 * parser is removed, so such a body (what a cross-site form or a simple fetch can send) answers 415.
 */
export function installJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    try {
      done(null, secureJsonParse.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }));
    } catch {
      done(new WeappAuthError('INVALID_JSON', 'the request body is not valid JSON'), undefined);
    }
  });
}
