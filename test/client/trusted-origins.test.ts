import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useHarness } from '../support/harness.js';
import { fakeWx } from './fake-wx.js';
import { clientFor } from './helpers.js';

const h = useHarness();
let backend: Server;
let backendUrl: string;
const seen: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  // Stands for "your own backend" and, on another port, for a third party: it records what it was sent.
  backend = createServer((request, response) => {
    seen.push(request.headers);
    response.setHeader('content-type', 'application/json');
    response.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => backend.close(resolve));
});

describe('where the SDK sends the access token', () => {
  it('refuses to send it to an origin that is neither the server’s nor trusted, and sends nothing there', async () => {
    const client = clientFor(h, fakeWx(h.simulator.url));
    await client.login();
    const before = seen.length;
    await expect(client.request({ url: `${backendUrl}/orders` })).rejects.toMatchObject({ code: 'UNTRUSTED_ORIGIN' });
    expect(seen.length).toBe(before);
    // Without a token, any host is fine.
    await expect(client.request({ url: `${backendUrl}/public`, auth: false })).resolves.toEqual({ ok: true });
    expect(seen.at(-1)?.authorization).toBeUndefined();
  });

  it('sends it to origins the app lists as its own', async () => {
    const client = clientFor(h, fakeWx(h.simulator.url), { trustedOrigins: [backendUrl.toUpperCase()] });
    await expect(client.request({ url: `${backendUrl}/orders` })).resolves.toEqual({ ok: true });
    expect(seen.at(-1)?.authorization).toMatch(/^Bearer ey/);
  });
});
