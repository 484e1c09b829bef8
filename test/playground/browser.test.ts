/**
 * A person's walk through the playground in headless Chromium: log in, /api/me, both phone flows, a tampered
 * token, an expired one and a refresh, a WeChat outage, log out; then the login (new and returning user) and the
 * phone buttons of every platform GET /sim/platforms lists, and Douyin's guest who logs in on the same device;
 * asserting what the page shows, and that the exchange log never shows a whole token, code or session key.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useEmbeddedServer } from '../support/embedded-server.js';
import { type Browser, CHROMIUM_PATH, chromiumMissingOutsideCi, launchChromium, tap } from './chromium.js';

const skip = chromiumMissingOutsideCi();
if (skip) console.warn(`playground browser test skipped: no ${CHROMIUM_PATH} (apt-get install chromium); CI runs it`);

/** Every secret that crossed the wire, read from the real responses and requests. */
const secrets = new Set<string>();
function collectSecrets(page: Page): void {
  const fields = ['accessToken', 'refreshToken', 'sessionKey', 'code', 'anonymousCode', 'encryptedData', 'response'];
  page.on('response', async (response) => {
    if (!response.headers()['content-type']?.includes('json')) return;
    const body = (await response.json().catch(() => null)) as Record<string, unknown> | null;
    // Douyin's guest gets `code: ''`: nothing to hide.
    for (const field of fields) if (typeof body?.[field] === 'string' && body[field] !== '') secrets.add(body[field]);
  });
  page.on('request', (request) => {
    const bearer = request.headers().authorization?.replace(/^Bearer /, '');
    if (bearer) secrets.add(bearer);
  });
}

/** Script errors and console errors (a CSP violation is reported there). */
const problems: string[] = [];

const text = (page: Page, selector: string): Promise<string> => page.locator(selector).innerText();

/** The log's entries as `METHOD /path status`, newest first. */
const logged = (page: Page): Promise<string[]> =>
  page.locator('.entry-head').evaluateAll((heads) =>
    heads.map((head) =>
      [...head.children]
        .slice(1, 4)
        .map((part) => part.textContent)
        .join(' '),
    ),
  );

/** A platform the server simulates besides WeChat, as GET /sim/platforms lists it. */
interface ListedPlatform {
  provider: string;
  title: string;
  apps: string[];
  base: string;
}

describe.skipIf(skip)('the playground in Chromium', () => {
  const running = useEmbeddedServer();
  let browser: Browser;
  let page: Page;
  let listed: ListedPlatform[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
    page = browser.page;
    collectSecrets(page);
    page.on('pageerror', (error) => problems.push(String(error)));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    listed = ((await (await fetch(`${running.server.url}/sim/platforms`)).json()) as { platforms: ListedPlatform[] }).platforms;
    await page.goto(running.server.url);
    // The page starts busy until its picker holds every listed platform.
    await page.locator('body:not(.busy)').waitFor();
  });
  afterAll(async () => {
    await browser?.close();
  });

  let userId = '';

  it('offers WeChat and every app of every platform the server simulates', async () => {
    const options = await page.locator('#platform option').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('value')));
    expect(options).toEqual(['wechat', ...listed.flatMap(({ provider, apps }) => apps.map((app) => `${provider} ${app}`))]);
    expect(await logged(page)).toEqual(['GET /sim/platforms 200 OK']);
    expect(await text(page, '#platform-name')).toBe('WeChat');
  });

  it('logs in with a wx.login code', async () => {
    expect(await text(page, '#session-state')).toBe('Not logged in');
    await tap(page, 'login');
    expect(await text(page, '#session-state')).toBe('Logged in');
    userId = await text(page, '#user-id');
    expect(userId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await text(page, '#user-new')).toBe('new user');
    expect(await text(page, '#user-guest')).toBe('no');
    expect(await text(page, '#answer-status')).toBe('200 OK');
    expect((await logged(page)).slice(0, 2)).toEqual(['POST /api/auth/login 200 OK', 'POST /sim/control/codes 200 OK']);
  });

  it('shows the access token’s header and claims, not its signature', async () => {
    const claims = JSON.parse((await page.locator('#claims-body').textContent()) ?? '') as Record<string, Record<string, unknown>>;
    expect(claims.header).toMatchObject({ alg: 'EdDSA', typ: 'at+jwt' });
    expect(claims.payload).toMatchObject({ sub: userId, iss: 'weapp-auth' });
    expect(Object.keys(claims)).toEqual(['header', 'payload']);
  });

  it('calls /api/me', async () => {
    await tap(page, 'me');
    const answer = JSON.parse(await text(page, '#answer-body')) as Record<string, unknown>;
    expect(answer).toMatchObject({ id: userId, phoneBound: false, phone: null });
  });

  it('binds a phone number through a phone code, then the legacy encryptedData', async () => {
    await page.fill('#phone-number', '13800138000');
    await tap(page, 'phone');
    expect(await text(page, '#user-phone')).toBe('13800138000');
    expect((await logged(page)).slice(0, 2)).toEqual(['POST /api/me/phone 200 OK', 'POST /sim/control/phone-codes 200 OK']);

    await page.fill('#phone-number', '13912345678');
    await tap(page, 'phone-legacy');
    expect(await text(page, '#answer-status')).toBe('200 OK');
    expect(await text(page, '#user-phone')).toBe('13912345678');
    expect((await logged(page)).slice(0, 2)).toEqual(['POST /api/me/phone 200 OK', 'POST /sim/control/encrypt 200 OK']);
  });

  it('keeps showing the bound number after a later GET /api/me and a later login', async () => {
    // Both answers carry the phone as an object ({phoneNumber, purePhoneNumber, countryCode}), not a string.
    await tap(page, 'me');
    expect(JSON.parse(await text(page, '#answer-body'))).toMatchObject({ phoneBound: true, phone: { phoneNumber: '13912345678' } });
    expect(await text(page, '#user-phone')).toBe('13912345678');
    await tap(page, 'login');
    expect(await text(page, '#user-id')).toBe(userId);
    expect(await text(page, '#user-new')).toBe('returning user');
    expect(await text(page, '#user-phone')).toBe('13912345678');
  });

  it('shows a tampered token refused, and a dropped one replaced by a refresh', async () => {
    await tap(page, 'tampered');
    expect(await text(page, '#answer-status')).toBe('401 Unauthorized');
    expect(await text(page, '#answer-body')).toContain('TOKEN_INVALID');

    const before = await text(page, '#access-token');
    await tap(page, 'expire');
    expect(await text(page, '#access-token')).toContain('dropped');
    await tap(page, 'me');
    expect(await text(page, '#answer-body')).toContain('TOKEN_MISSING');
    await tap(page, 'refresh');
    expect(await text(page, '#answer-status')).toBe('200 OK');
    const after = await text(page, '#access-token');
    expect(after).toMatch(/expires in/);
    expect(after.split(' ')[0]).not.toBe(before.split(' ')[0]);
    await tap(page, 'me');
    expect(await text(page, '#answer-status')).toBe('200 OK');
  });

  it('shows 503 WECHAT_UNAVAILABLE when WeChat stays busy through the retries, and stays logged in', async () => {
    await page.selectOption('#fault', 'busy');
    await tap(page, 'fault');
    expect(await text(page, '#answer-status')).toBe('503 Service Unavailable');
    expect(await text(page, '#answer-body')).toContain('WECHAT_UNAVAILABLE');
    expect(await text(page, '#session-state')).toBe('Logged in');
    expect((await logged(page)).slice(0, 4)).toEqual([
      'DELETE /sim/control/faults 204 No Content',
      'POST /api/auth/login 503 Service Unavailable',
      'POST /sim/control/codes 200 OK',
      'POST /sim/control/faults 204 No Content',
    ]);
  });

  it('logs out; the kept tokens are then refused', async () => {
    await tap(page, 'logout');
    expect(await text(page, '#answer-status')).toBe('204 No Content');
    expect(await text(page, '#session-state')).toBe('Logged out');
    await tap(page, 'me');
    expect(await text(page, '#answer-status')).toBe('401 Unauthorized');
    expect(await text(page, '#answer-body')).toContain('SESSION_REVOKED');
  });

  it('plays the login, a returning login and the phone buttons of WeChat and of every platform listed', async () => {
    const choices = [
      { value: 'wechat', provider: 'wechat', codes: '/sim/control/codes', phone: '/sim/control/phone-codes' },
      ...listed.flatMap(({ provider, apps, base }) =>
        apps.map((app) => ({ value: `${provider} ${app}`, provider, codes: `${base}/control/codes`, phone: `${base}/control/phone` })),
      ),
    ];
    let number = 13700000000;
    for (const { value, provider, codes, phone } of choices) {
      await page.selectOption('#platform', value);
      expect(await text(page, '#session-state'), value).toBe('Not logged in');
      await tap(page, 'someone-new');
      await tap(page, 'login');
      expect(await text(page, '#session-state'), value).toBe('Logged in');
      expect(await text(page, '#user-new'), value).toBe('new user');
      expect(await text(page, '#user-guest'), value).toBe('no');
      expect((await logged(page)).slice(0, 2), value).toEqual(['POST /api/auth/login 200 OK', `POST ${codes} 200 OK`]);
      const id = await text(page, '#user-id');
      const claims = JSON.parse((await page.locator('#claims-body').textContent()) ?? '') as { payload: Record<string, unknown> };
      expect(claims.payload.sub, value).toBe(id);

      await tap(page, 'login');
      expect(await text(page, '#user-id'), value).toBe(id);
      expect(await text(page, '#user-new'), value).toBe('returning user');

      number += 1;
      await page.fill('#phone-number', String(number));
      await tap(page, 'phone');
      expect((await logged(page)).slice(0, 2), value).toEqual(['POST /api/me/phone 200 OK', `POST ${phone} 200 OK`]);
      expect(await text(page, '#user-phone'), value).toContain(String(number));

      const legacy = page.locator('button[data-action="phone-legacy"]');
      expect(await legacy.isVisible(), value).toBe(provider === 'wechat' || provider === 'douyin');
      if (await legacy.isVisible()) {
        number += 1;
        await page.fill('#phone-number', String(number));
        await tap(page, 'phone-legacy');
        expect(await text(page, '#answer-status'), value).toBe('200 OK');
        expect(await text(page, '#user-phone'), value).toContain(String(number));
      }
      // WeChat's fault injection is WeChat's alone.
      expect(await page.locator('button[data-action="fault"]').isVisible(), value).toBe(provider === 'wechat');
    }
  });

  it('logs a Douyin guest in, then keeps their user id when they log in to Douyin on the same device', async () => {
    const douyin = listed.find(({ provider }) => provider === 'douyin');
    if (douyin?.apps[0] === undefined) throw new Error('GET /sim/platforms does not list douyin');
    await page.selectOption('#platform', `douyin ${douyin.apps[0]}`);
    await tap(page, 'someone-new');
    await tap(page, 'guest');
    expect(await text(page, '#session-state')).toBe('Logged in');
    expect(await text(page, '#user-guest')).toMatch(/^yes/);
    expect(await text(page, '#user-new')).toBe('new user');
    expect((await logged(page)).slice(0, 2)).toEqual(['POST /api/auth/login 200 OK', `POST ${douyin.base}/control/codes 200 OK`]);
    const guestId = await text(page, '#user-id');

    await tap(page, 'login');
    expect(await text(page, '#answer-status')).toBe('200 OK');
    expect(await text(page, '#user-id')).toBe(guestId);
    expect(await text(page, '#user-guest')).toBe('no');
    const answer = JSON.parse(await text(page, '#answer-body')) as { user: { id: string; guest: boolean } };
    expect(answer.user).toMatchObject({ id: guestId, guest: false });
  });

  it('ran without a script error or a CSP violation', () => {
    // Every refused call above is an expected 401/503; Chromium reports failed fetches as console errors, so those
    // are allowed and anything else is not.
    expect(problems.filter((problem) => !/Failed to load resource: the server responded with a status of (401|503)/.test(problem))).toEqual(
      [],
    );
  });

  it('never shows a whole token, code or session key', async () => {
    const shown = await page.locator('body').innerText();
    const log = await text(page, '#log');
    expect(secrets.size).toBeGreaterThan(8);
    for (const secret of secrets) {
      expect(shown, 'a secret on the page').not.toContain(secret);
      expect(log).not.toContain(secret);
    }
    // Masked, not missing: each access token can still be recognised by its beginning and end.
    const tokens = [...secrets].filter((secret) => secret.startsWith('eyJ'));
    expect(tokens.length).toBeGreaterThan(1);
    for (const token of tokens) expect(log).toContain(`${token.slice(0, 6)}…${token.slice(-4)}`);
  });
});
