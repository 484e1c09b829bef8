/**
 * A person's walk through the playground in headless Chromium: log in, /api/me, both phone flows, a tampered
 * token, an expired one and a refresh, a WeChat outage, log out; asserting what the page shows, and that the
 * exchange log never shows a whole token, code or session key.
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
  const fields = ['accessToken', 'refreshToken', 'sessionKey', 'code', 'encryptedData'];
  page.on('response', async (response) => {
    if (!response.headers()['content-type']?.includes('json')) return;
    const body = (await response.json().catch(() => null)) as Record<string, unknown> | null;
    for (const field of fields) if (typeof body?.[field] === 'string') secrets.add(body[field]);
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

describe.skipIf(skip)('the playground in Chromium', () => {
  const running = useEmbeddedServer();
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await launchChromium();
    page = browser.page;
    collectSecrets(page);
    page.on('pageerror', (error) => problems.push(String(error)));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    await page.goto(running.server.url);
  });
  afterAll(async () => {
    await browser?.close();
  });

  let userId = '';

  it('logs in with a wx.login code', async () => {
    expect(await text(page, '#session-state')).toBe('Not logged in');
    await tap(page, 'login');
    expect(await text(page, '#session-state')).toBe('Logged in');
    userId = await text(page, '#user-id');
    expect(userId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await text(page, '#answer-status')).toBe('200 OK');
    expect(await logged(page)).toEqual(['POST /api/auth/login 200 OK', 'POST /sim/control/codes 200 OK']);
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
    await tap(page, 'phone-code');
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
