import { beforeAll, describe, expect, it } from 'vitest';
import { normalizeNickname } from '../../src/core/profile.js';
import { call, harnessesPerTest, loginAs, tokensFor, useHarness } from '../support/harness.js';

/** Emoji made of several code points: a family joined by zero-width joiners, a flag spelt with tag characters. */
const FAMILY = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}';
const SCOTLAND = '\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}';

const h = useHarness();
const started = harnessesPerTest();
let token: string;
beforeAll(async () => {
  token = (await tokensFor(h)).accessToken;
});

describe('GET /api/me', () => {
  it('shows exactly the public fields: nothing about openids, session keys or tokens', async () => {
    const response = await call(h.server.url, 'GET', '/api/me', { token });
    expect(response.status).toBe(200);
    expect(Object.keys(response.body).sort()).toEqual([
      'avatarUrl',
      'createdAt',
      'guest',
      'id',
      'nickname',
      'phone',
      'phoneBound',
      'updatedAt',
    ]);
    expect(response.body.phoneBound).toBe(false);
    expect(response.body.phone).toBeNull();
  });
});

describe('PATCH /api/me', () => {
  it('updates nickname and avatar, trimming the nickname, and GET shows them', async () => {
    const response = await call(h.server.url, 'PATCH', '/api/me', {
      token,
      json: { nickname: '  小明 ', avatarUrl: 'https://cdn.example.com/a/1.png' },
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ nickname: '小明', avatarUrl: 'https://cdn.example.com/a/1.png' });
    expect(Date.parse(response.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(response.body.createdAt));
    expect((await call(h.server.url, 'GET', '/api/me', { token })).body.nickname).toBe('小明');
  });

  it('clears a field set to null and leaves unnamed fields alone', async () => {
    await call(h.server.url, 'PATCH', '/api/me', { token, json: { nickname: 'Keep', avatarUrl: 'https://cdn.example.com/x.png' } });
    const response = await call(h.server.url, 'PATCH', '/api/me', { token, json: { avatarUrl: null } });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ nickname: 'Keep', avatarUrl: null });
  });

  const invalid: [string, unknown, string][] = [
    ['an empty body', {}, 'VALIDATION_FAILED'],
    ['an unknown field', { nickname: 'a', admin: true }, 'VALIDATION_FAILED'],
    ['a nickname of the wrong type', { nickname: 42 }, 'VALIDATION_FAILED'],
    ['a blank nickname', { nickname: '   ' }, 'INVALID_NICKNAME'],
    ['a nickname over 32 characters', { nickname: '字'.repeat(33) }, 'INVALID_NICKNAME'],
    ['a nickname with control characters', { nickname: 'a\u0007b' }, 'INVALID_NICKNAME'],
    ['a nickname with a right-to-left override', { nickname: 'Bob\u202Egnp.exe' }, 'INVALID_NICKNAME'],
    ['a zero-width-only nickname', { nickname: '\u200B\u200D' }, 'INVALID_NICKNAME'],
    ['a Hangul-filler nickname', { nickname: '\u3164' }, 'INVALID_NICKNAME'],
    ['a nickname with a lone surrogate', { nickname: 'a\uD800b' }, 'INVALID_NICKNAME'],
    ['a nickname with private-use characters', { nickname: 'a\uE000' }, 'INVALID_NICKNAME'],
    ['the temporary chooseAvatar path', { avatarUrl: 'wxfile://tmp_abc.jpg' }, 'VALIDATION_FAILED'],
    ['a plain-http avatar', { avatarUrl: 'http://tmp/abc.jpg' }, 'VALIDATION_FAILED'],
    ['a javascript: avatar', { avatarUrl: 'javascript:alert(1)' }, 'VALIDATION_FAILED'],
    ['not a URL', { avatarUrl: 'not a url' }, 'VALIDATION_FAILED'],
    ['an avatar URL over 1024 characters', { avatarUrl: `https://cdn.example.com/${'a'.repeat(1100)}` }, 'VALIDATION_FAILED'],
  ];
  for (const [name, json, code] of invalid) {
    it(`rejects ${name} with 400 ${code} and changes nothing`, async () => {
      const before = (await call(h.server.url, 'GET', '/api/me', { token })).body;
      const response = await call(h.server.url, 'PATCH', '/api/me', { token, json });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe(code);
      expect((await call(h.server.url, 'GET', '/api/me', { token })).body).toEqual(before);
    });
  }

  // The answer is read back from the database, so this is what each engine stored.
  it('stores a nickname as NFC, with emoji joined by zero-width joiners and flag tag sequences intact', async () => {
    // 'e' + combining acute (NFD) is stored as the one character é; each emoji is one sequence of several code points.
    const nickname = `Rene\u0301 ${FAMILY} ${SCOTLAND} 1\uFE0F\u20E3 小明`;
    const response = await call(h.server.url, 'PATCH', '/api/me', { token, json: { nickname } });
    expect(response.status).toBe(200);
    expect(response.body.nickname).toBe(nickname.normalize('NFC'));
    expect(response.body.nickname.startsWith('René ')).toBe(true);
  });

  it('needs a token', async () => {
    const response = await call(h.server.url, 'PATCH', '/api/me', { json: { nickname: 'x' } });
    expect(response.status).toBe(401);
  });

  it('is also PUT, since wx.request cannot send PATCH', async () => {
    const response = await call(h.server.url, 'PUT', '/api/me', { token, json: { nickname: 'Via PUT' } });
    expect(response.status).toBe(200);
    expect(response.body.nickname).toBe('Via PUT');
    expect((await call(h.server.url, 'PUT', '/api/me', { token, json: { nickname: 7 } })).status).toBe(400);
  });
});

describe('the profile cache behind GET /api/me', () => {
  it('shows a change made through this instance at once, and one made elsewhere within a second', async () => {
    const own = await loginAs(h);
    const ownToken = own.response.body.accessToken;
    expect((await call(h.server.url, 'GET', '/api/me', { token: ownToken })).body.nickname).toBeNull();
    await call(h.server.url, 'PATCH', '/api/me', { token: ownToken, json: { nickname: 'Now' } });
    expect((await call(h.server.url, 'GET', '/api/me', { token: ownToken })).body.nickname).toBe('Now');

    // A second instance on the same database changes the profile: this one sees it once its cached copy ages out.
    const other = await started.secondInstance(h);
    const otherLogin = await tokensFor(other, { openid: own.minted.openid });
    expect(otherLogin.user.id).toBe(own.response.body.user.id);
    expect(
      (await call(other.server.url, 'PATCH', '/api/me', { token: otherLogin.accessToken, json: { nickname: 'Elsewhere' } })).status,
    ).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await call(h.server.url, 'GET', '/api/me', { token: ownToken })).body.nickname).toBe('Elsewhere');
  });
});

describe('normalizeNickname', () => {
  const refused: [string, string][] = [
    ['a lone high surrogate', 'a\uD800'],
    ['a lone low surrogate', '\uDC00b'],
    ['a left-to-right mark', 'a\u200Eb'],
    ['a right-to-left mark', 'a\u200Fb'],
    ['the Arabic letter mark', 'a\u061Cb'],
    ['a right-to-left override', 'a\u202Eb'],
    ['a left-to-right embedding', 'a\u202Ab'],
    ['a pop directional isolate', 'a\u2069b'],
    ['a first-strong isolate', 'a\u2068b'],
    ['a tag character outside an emoji flag', 'a\u{E0041}'],
    ['a cancel tag alone', 'a\u{E007F}'],
    ['a private-use character', '\uE000a'],
    ['a supplementary private-use character', '\u{F0000}a'],
    ['the noncharacter U+FFFF', 'a\uFFFF'],
    ['the noncharacter U+FDD0', 'a\uFDD0'],
    ['a plane-1 noncharacter', 'a\u{1FFFE}'],
    ['a control character', 'a\u0000'],
    ['a newline', 'a\nb'],
    ['zero-width spaces only', '\u200B\u200B'],
    ['a zero-width joiner only', '\u200D'],
    ['a word joiner and a BOM', '\u2060\uFEFF'],
    ['the Hangul filler', '\u3164'],
    ['the Hangul choseong and jungseong fillers', '\u115F\u1160'],
    ['the halfwidth Hangul filler', '\uFFA0'],
    ['variation selectors only', '\uFE0F\u{E0100}'],
    ['combining marks without a base', '\u0301\u0336'],
    ['the blank Braille pattern', '\u2800\u2800'],
    ['a soft hyphen', '\u00AD'],
    ['ideographic spaces', '\u3000\u3000'],
    ['an empty string', ''],
    ['33 characters', 'a'.repeat(33)],
  ];
  it.each(refused)('refuses %s with INVALID_NICKNAME', (_name, value) => {
    expect(() => normalizeNickname(value)).toThrow(expect.objectContaining({ code: 'INVALID_NICKNAME' }));
  });

  const accepted: [string, string, string][] = [
    ['Chinese', '小明', '小明'],
    ['NFD, stored as NFC', 'Rene\u0301', 'René'],
    ['a family joined by zero-width joiners', FAMILY, FAMILY],
    ['a skin-tone modifier', '👍🏽', '👍🏽'],
    ['the flag of Scotland (tag characters)', SCOTLAND, SCOTLAND],
    ['a keycap (variation selector and combining keycap)', '1\uFE0F\u20E3', '1\uFE0F\u20E3'],
    ['a national flag (regional indicators)', '🇨🇳', '🇨🇳'],
    ['Arabic (right-to-left without controls)', 'مرحبا', 'مرحبا'],
    ['a Hangul filler inside a visible name', '\u3164a', '\u3164a'],
    ['spaces around, trimmed', '  Ann  ', 'Ann'],
    ['32 characters, emoji counted as code points', '😀'.repeat(32), '😀'.repeat(32)],
  ];
  it.each(accepted)('accepts %s', (_name, value, stored) => {
    expect(normalizeNickname(value)).toBe(stored);
  });
});
