import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { call, type Harness, type JsonResponse, loginAs, tokensFor } from '../support/harness.js';
import { startHarnessBehindProxy } from '../support/harness-behind-proxy.js';

/**
 * The database goes away for two seconds in the middle of steady traffic (reads, refresh chains, first logins) and
 * comes back: meanwhile only 503 DATABASE_UNAVAILABLE, never a 500 or a dropped connection; afterwards the server
 * recovers by itself and no client has lost its session. test/store/database-outage.test.ts covers the idle case.
 */

/** The cut comes once every kind of request has been served (at most this long after the load starts). */
const SERVED_WITHIN_MS = 20_000;
const CUT_FOR_MS = 2_000;
/** Load goes on this long after the database is back. */
const AFTER_MS = 2_500;
/** Loops of each kind; 16 requests in flight at most, a short pause between a loop's requests to spare the two cores. */
const LOOPS = { me: 6, refresh: 6, login: 4 } as const;
const PAUSE_MS = 5;

interface Outcome {
  kind: keyof typeof LOOPS;
  status: number;
  code: string | undefined;
}

interface Tokens {
  accessToken: string;
  refreshToken: string;
}

async function signedIn(h: Harness): Promise<Tokens> {
  const { accessToken, refreshToken } = await tokensFor(h);
  return { accessToken, refreshToken };
}

describe.each(['postgres', 'mariadb'] as const)('%s cut for two seconds under load', (engine) => {
  it('answers 503 meanwhile, recovers without a restart, and loses no session', { timeout: 60_000 }, async () => {
    const { h, proxy, close } = await startHarnessBehindProxy(engine);
    try {
      const readers = await Promise.all(Array.from({ length: LOOPS.me }, () => signedIn(h)));
      // Each chain holds the refresh token last returned with a 200; a failed refresh keeps it, as a client would.
      const chains = await Promise.all(Array.from({ length: LOOPS.refresh }, () => signedIn(h)));
      const newSessions: Tokens[] = [];
      const outcomes: Outcome[] = [];
      const transportErrors: string[] = [];

      let stopped = false;
      const send = async (kind: Outcome['kind'], request: () => Promise<JsonResponse>): Promise<JsonResponse | undefined> => {
        try {
          const response = await request();
          outcomes.push({ kind, status: response.status, code: response.body?.error?.code });
          return response;
        } catch (error) {
          transportErrors.push(`${kind}: ${String(error)}`);
          return undefined;
        }
      };
      const loop = async (step: () => Promise<void>): Promise<void> => {
        while (!stopped) {
          await step();
          await sleep(PAUSE_MS);
        }
      };

      const load = Promise.all([
        ...readers.map((session) =>
          loop(async () => void (await send('me', () => call(h.server.url, 'GET', '/api/me', { token: session.accessToken })))),
        ),
        ...chains.map((chain) =>
          loop(async () => {
            const response = await send('refresh', () =>
              call(h.server.url, 'POST', '/api/auth/refresh', { json: { refreshToken: chain.refreshToken } }),
            );
            if (response?.status === 200)
              Object.assign(chain, { accessToken: response.body.accessToken, refreshToken: response.body.refreshToken });
          }),
        ),
        ...Array.from({ length: LOOPS.login }, () =>
          loop(async () => {
            const response = await send('login', async () => (await loginAs(h)).response);
            if (response?.status === 200)
              newSessions.push({ accessToken: response.body.accessToken, refreshToken: response.body.refreshToken });
          }),
        ),
      ]);

      // A loaded machine may take a while to serve its first login: cut once every kind has been served, not at a time.
      const servedBy = Date.now() + SERVED_WITHIN_MS;
      const served = (): boolean => Object.keys(LOOPS).every((kind) => outcomes.some((o) => o.kind === kind && o.status === 200));
      while (!served() && Date.now() < servedBy) await sleep(50);
      await proxy.cut();
      const cutAt = outcomes.length;
      await sleep(CUT_FOR_MS);
      await proxy.restore();
      await sleep(AFTER_MS);
      stopped = true;
      await load;

      expect(transportErrors).toEqual([]);
      const unexpected = outcomes.filter((o) => o.status !== 200 && !(o.status === 503 && o.code === 'DATABASE_UNAVAILABLE'));
      expect(unexpected).toEqual([]);
      const unavailable = outcomes.slice(cutAt).filter((o) => o.status === 503);
      expect(unavailable.length).toBeGreaterThan(0);
      // Every kind of request was served both before the cut and after it.
      for (const kind of Object.keys(LOOPS)) {
        expect(
          outcomes.slice(0, cutAt).some((o) => o.kind === kind && o.status === 200),
          `${kind} before the cut`,
        ).toBe(true);
      }
      // An outage is not a bug: nothing is logged as an unhandled error.
      expect(h.logs.filter((line) => line.includes('unhandled error'))).toEqual([]);

      // Recovery without a restart: the pool reconnects on its own.
      const deadline = Date.now() + 15_000;
      let ready = await call(h.server.url, 'GET', '/readyz');
      while (ready.status !== 200 && Date.now() < deadline) {
        await sleep(200);
        ready = await call(h.server.url, 'GET', '/readyz');
      }
      expect(ready.status).toBe(200);

      // No session lost: every session that got a 200 still reads, and every refresh token last handed out refreshes
      // (one whose refresh failed with 503 was not spent). A few at a time, to keep the load bounded.
      const sessions = [...readers, ...chains, ...newSessions];
      expect(newSessions.length).toBeGreaterThan(0);
      const failures: string[] = [];
      for (let i = 0; i < sessions.length; i += 16) {
        await Promise.all(
          sessions.slice(i, i + 16).map(async (session, j) => {
            const me = await call(h.server.url, 'GET', '/api/me', { token: session.accessToken });
            const refreshed = await call(h.server.url, 'POST', '/api/auth/refresh', { json: { refreshToken: session.refreshToken } });
            if (me.status !== 200 || refreshed.status !== 200)
              failures.push(
                `session ${i + j}: me ${me.status}, refresh ${refreshed.status} ${JSON.stringify(refreshed.body?.error?.code)}`,
              );
          }),
        );
      }
      expect(failures).toEqual([]);
    } finally {
      await close();
    }
  });
});
