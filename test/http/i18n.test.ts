import { describe, expect, it } from 'vitest';
import { MESSAGES_ZH, prefersChinese } from '../../src/http/messages-zh.js';
import { ERROR_CODES } from '../../src/lib/errors.js';
import { call, useHarness } from '../support/harness.js';

const h = useHarness();

describe('error messages in the client’s language', () => {
  it('answers in Chinese when the client prefers it, with the same code and status', async () => {
    const english = await call(h.server.url, 'GET', '/api/me');
    const chinese = await call(h.server.url, 'GET', '/api/me', { headers: { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' } });
    expect([english.status, chinese.status]).toEqual([401, 401]);
    expect(chinese.body.error.code).toBe(english.body.error.code);
    expect(chinese.body.error.message).toBe(MESSAGES_ZH.TOKEN_MISSING);
    expect(english.body.error.message).toMatch(/Authorization: Bearer/);
  });

  it('keeps details (such as WeChat’s errcode) whatever the language', async () => {
    const answer = await call(h.server.url, 'POST', '/api/auth/login', { json: { code: 'nope' }, headers: { 'accept-language': 'zh' } });
    expect(answer.body.error).toMatchObject({ code: 'INVALID_CODE', message: MESSAGES_ZH.INVALID_CODE, details: { errcode: 40029 } });
  });

  it('follows the client’s order of preference', () => {
    expect(prefersChinese('zh-TW')).toBe(true);
    expect(prefersChinese('zh-Hans-CN')).toBe(true);
    expect(prefersChinese('en-US,en;q=0.9,zh-CN;q=0.8')).toBe(false);
    expect(prefersChinese('en;q=0.5, zh;q=0.9')).toBe(true);
    expect(prefersChinese('*')).toBe(false);
    expect(prefersChinese('zh;q=0')).toBe(false);
    expect(prefersChinese(undefined)).toBe(false);
  });

  it('has a Chinese message for every error code', () => {
    for (const code of ERROR_CODES) expect(MESSAGES_ZH[code].length).toBeGreaterThan(2);
  });
});
