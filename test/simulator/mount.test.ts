import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatorPlugin } from '../../src/providers/wechat/simulator/index.js';
import { APP, clientFor } from './helpers.js';

describe('simulatorPlugin mounted under /sim in a host app', () => {
  let host: FastifyInstance;
  let base = '';
  const sim = clientFor(() => `${base}/sim`);

  beforeAll(async () => {
    host = Fastify({ logger: false });
    host.post('/echo', async (request) => ({ received: request.body }));
    await host.register(simulatorPlugin, { prefix: '/sim', apps: [APP] });
    await host.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(host.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await host.close();
  });

  it('serves WeChat and control paths under the prefix', async () => {
    const minted = await sim.mintCode();
    const answer = await sim.exchange(minted.code);
    expect(answer.contentType).toBe('text/plain');
    expect(answer.json['openid']).toBe(minted.openid);
    expect((await fetch(`${base}/sns/jscode2session`)).status).toBe(404);
  });

  it('leaves the host app’s own JSON parsing and error handling alone', async () => {
    const ok = await fetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(await ok.json()).toEqual({ received: { a: 1 } });
    // Fastify's stock behaviour: broken JSON is a 400 from the host, not a WeChat 47001.
    const broken = await fetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
    // and a content type the host has no parser for stays unsupported there, although the simulator takes any.
    const text = await fetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'a,b' });
    expect(text.status).toBe(415);
  });
});
