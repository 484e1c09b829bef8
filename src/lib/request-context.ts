import { AsyncLocalStorage } from 'node:async_hooks';

/** Who is asking, for the audit trail: set by the HTTP layer around each request, read wherever an event happens. */
export interface RequestContext {
  requestId: string;
  ip: string | null;
  userAgent: string | null;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The current request's context; undefined outside a request (CLI commands, timers). */
export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}
