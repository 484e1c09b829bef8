/** The playground page is served in simulator mode only, from the embedded copy of src/playground/static/. */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAYGROUND_ASSETS } from '../../src/playground/assets.js';
import { type RunningSimulator, startSimulator } from '../../src/providers/wechat/simulator/index.js';
import { startEmbeddedServer, useEmbeddedServer } from '../support/embedded-server.js';
import { ASSETS_MODULE, renderAssetsModule } from './embed-assets.js';

const APP = { appid: 'wx0123456789abcdef', secret: '0123456789abcdef0123456789abcdef' };

describe('in simulator mode', () => {
  const running = useEmbeddedServer();

  it('serves the page at / with a same-origin-only Content-Security-Policy', async () => {
    const response = await fetch(`${running.server.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await response.text();
    expect(html).toContain('<title>weapp-auth playground</title>');
    // No inline script or style: the CSP would block it.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(html).not.toMatch(/<style|style="/);
  });

  it('serves every script and stylesheet the page loads, and every module they import', async () => {
    const html = PLAYGROUND_ASSETS['index.html']!.body;
    const imports = Object.values(PLAYGROUND_ASSETS).flatMap((asset) => [...asset.body.matchAll(/from '\.\/([\w-]+\.js)'/g)]);
    const linked = [...html.matchAll(/(?:src|href)="\/playground\/([\w.-]+)"/g)];
    const names = new Set([...linked, ...imports].map((match) => match[1]!));
    expect(names).toContain('app.js');
    expect(names).toContain('style.css');
    for (const name of names) {
      const response = await fetch(`${running.server.url}/playground/${name}`);
      expect(response.status, name).toBe(200);
      expect(response.headers.get('content-type'), name).toMatch(name.endsWith('.js') ? /^text\/javascript/ : /^text\/css/);
      expect(response.headers.get('content-security-policy'), name).toContain("script-src 'self'");
    }
  });

  it('answers an unknown playground file with the API’s 404', async () => {
    const response = await fetch(`${running.server.url}/playground/nope.js`);
    expect(response.status).toBe(404);
    expect((await response.json()) as unknown).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});

describe('outside simulator mode', () => {
  let simulator: RunningSimulator;
  beforeAll(async () => {
    simulator = await startSimulator({ apps: [APP] });
  });
  afterAll(async () => simulator.close());

  const realWechat = (): Record<string, string> => ({
    WECHAT_APPID: APP.appid,
    WECHAT_SECRET: APP.secret,
    WECHAT_API_BASE: simulator.url,
  });

  it.each([
    ['production', { NODE_ENV: 'production', DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64') }],
    ['development with real WeChat credentials', { NODE_ENV: 'development' }],
  ])('%s: there is no playground and no /sim', async (_name, env) => {
    const running = await startEmbeddedServer({ ...realWechat(), ...env });
    try {
      expect(running.server.simulatorMode).toBe(false);
      for (const path of ['/', '/playground/app.js', '/sim/control/stats']) {
        expect((await fetch(`${running.server.url}${path}`)).status, path).toBe(404);
      }
      expect((await fetch(`${running.server.url}/healthz`)).status).toBe(200);
    } finally {
      await running.close();
    }
  });
});

it('the embedded assets are the files in src/playground/static/ (else: npx tsx test/playground/embed-assets.ts)', () => {
  expect(readFileSync(ASSETS_MODULE, 'utf8')).toBe(renderAssetsModule());
});
