/**
 * The playground: a page at / that plays a mini program against this server and its simulator under /sim.
 * Registered in simulator mode only (the page drives /sim/control); production never mounts it.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { PLAYGROUND_ASSETS, type PlaygroundAsset } from './assets.js';

/**
 * Same-origin scripts, styles and fetches only: the page needs nothing else, and answers it displays can never
 * run as code even if one slipped past textContent.
 */
export const PLAYGROUND_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function send(reply: FastifyReply, asset: PlaygroundAsset): FastifyReply {
  return reply
    .header('content-security-policy', PLAYGROUND_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-cache')
    .type(asset.contentType)
    .send(asset.body);
}

export const playgroundPlugin: FastifyPluginAsync = async (app) => {
  for (const [name, asset] of Object.entries(PLAYGROUND_ASSETS)) {
    const path = name === 'index.html' ? '/' : `/playground/${name}`;
    app.get(path, async (_request, reply) => send(reply, asset));
  }
};
