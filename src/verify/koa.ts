import type { IncomingHttpHeaders } from 'node:http';
import { authenticate } from './authenticate.js';
import type { TokenVerifier } from './verifier.js';

/** The parts of Koa's context used here, so Koa is not a dependency. */
export interface KoaLikeContext {
  headers: IncomingHttpHeaders;
  state: Record<string, unknown>;
  status: number;
  body: unknown;
}

/** Koa middleware: `app.use(koaAuth(verifier))`; the claims are on `ctx.state.auth` (Koa's place for request data). */
export function koaAuth(verifier: TokenVerifier): (ctx: KoaLikeContext, next: () => Promise<unknown>) => Promise<void> {
  return async (ctx, next) => {
    const outcome = await authenticate(verifier, ctx.headers.authorization, ctx.headers['x-request-id']);
    if (outcome.refusal !== undefined) {
      ctx.status = outcome.status;
      ctx.body = outcome.refusal;
      return;
    }
    ctx.state.auth = outcome.auth;
    await next();
  };
}
