import { describe, expect, it } from 'vitest';
import { call, loginAs } from '../support/harness.js';
import { startHarnessBehindProxy } from '../support/harness-behind-proxy.js';

describe.each(['postgres', 'mariadb'] as const)('a %s outage', (engine) => {
  it('answers 503 DATABASE_UNAVAILABLE while the database cannot be reached, and serves again once it can', async () => {
    const { h, proxy, close } = await startHarnessBehindProxy(engine);
    try {
      expect((await loginAs(h)).response.status).toBe(200);

      await proxy.cut();
      const down = await loginAs(h);
      expect(down.response.status).toBe(503);
      expect(down.response.body.error.code).toBe('DATABASE_UNAVAILABLE');
      expect((await call(h.server.url, 'GET', '/readyz')).status).toBe(503);
      // An outage is not a bug: nothing is logged as an unhandled error.
      expect(h.logs.filter((line) => line.includes('unhandled error'))).toStrictEqual([]);

      await proxy.restore();
      expect((await loginAs(h)).response.status).toBe(200);
      expect((await call(h.server.url, 'GET', '/readyz')).status).toBe(200);
    } finally {
      await close();
    }
  });
});
