import { createDecipheriv } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/providers/wechat/simulator/index.js';
import { APP, RID_SUFFIX, useSimulator } from './helpers.js';

const sim = useSimulator();

function decrypt(sessionKey: string, encryptedData: string, iv: string): Record<string, any> {
  const decipher = createDecipheriv('aes-128-cbc', Buffer.from(sessionKey, 'base64'), Buffer.from(iv, 'base64'));
  return JSON.parse(Buffer.concat([decipher.update(Buffer.from(encryptedData, 'base64')), decipher.final()]).toString('utf8'));
}

describe('POST /control/encrypt', () => {
  it('encrypts data plus a watermark with the user’s current session_key (AES-128-CBC, random IV)', async () => {
    const { openid, sessionKey } = await sim.mintCode();
    const now = await sim.advance(0);
    const data = { phoneNumber: '13580006666', purePhoneNumber: '13580006666', countryCode: '86' };
    const first = await sim.post('/control/encrypt', { openid, data });
    expect(first.status).toBe(200);
    expect(Buffer.from(first.json['iv'], 'base64')).toHaveLength(16);
    const plain = decrypt(sessionKey, first.json['encryptedData'], first.json['iv']);
    expect(plain).toMatchObject({ ...data, watermark: { appid: APP.appid } });
    expect(plain['watermark'].timestamp).toBeGreaterThanOrEqual(now);
    const second = await sim.post('/control/encrypt', { openid, data });
    expect(second.json['iv']).not.toBe(first.json['iv']);
  });

  it('overrides a watermark in the data with the real one', async () => {
    const { openid, sessionKey } = await sim.mintCode();
    const answer = await sim.post('/control/encrypt', { openid, data: { watermark: { appid: 'wxforged', timestamp: 1 } } });
    expect(decrypt(sessionKey, answer.json['encryptedData'], answer.json['iv'])['watermark'].appid).toBe(APP.appid);
  });

  it('uses the key of the latest login: the previous key no longer decrypts', async () => {
    const first = await sim.mintCode();
    const second = await sim.mintCode({ openid: first.openid });
    const { encryptedData, iv } = (await sim.post('/control/encrypt', { openid: first.openid, data: { n: 1 } })).json;
    expect(decrypt(second.sessionKey, encryptedData, iv)['n']).toBe(1);
    expect(() => decrypt(first.sessionKey, encryptedData, iv)['n']).toThrow();
  });

  it('answers 404 UNKNOWN_USER for an openid the simulator has never seen', async () => {
    const answer = await sim.post('/control/encrypt', { openid: 'oNobody000000000000000000000', data: {} });
    expect(answer.status).toBe(404);
    expect(answer.json['error'].code).toBe('UNKNOWN_USER');
  });
});

describe('POST /control/phone-codes', () => {
  it('answers 404 UNKNOWN_USER for an unknown openid, 404 UNKNOWN_APP for an unknown appid', async () => {
    const user = await sim.post('/control/phone-codes', { openid: 'oNobody000000000000000000000', phoneNumber: '13800138000' });
    expect(user.status).toBe(404);
    expect(user.json['error'].code).toBe('UNKNOWN_USER');
    const app = await sim.post('/control/phone-codes', { appid: 'wx1111111111111111', phoneNumber: '13800138000' });
    expect(app.status).toBe(404);
    expect(app.json['error']).toMatchObject({ code: 'UNKNOWN_APP', message: expect.stringContaining(APP.appid) });
  });
});

describe('faults', () => {
  const tokenQuery = { grant_type: 'client_credential', appid: APP.appid, secret: APP.secret };

  it('answers an errcode for the next `times` calls of one API only, then behaves again', async () => {
    expect((await sim.post('/control/faults', { api: 'token', errcode: -1, times: 2 })).status).toBe(204);
    for (let i = 0; i < 2; i++) {
      const answer = await sim.get('/cgi-bin/token', tokenQuery);
      expect(answer.json['errcode']).toBe(-1);
      expect(answer.json['errmsg']).toMatch(/^system error, rid: /);
    }
    expect((await sim.get('/cgi-bin/token', tokenQuery)).json['expires_in']).toBe(7200);
  });

  it('leaves other APIs alone', async () => {
    await sim.post('/control/faults', { api: 'stable_token', errcode: 45011 });
    expect((await sim.get('/cgi-bin/token', tokenQuery)).json['expires_in']).toBe(7200);
    expect((await sim.post('/cgi-bin/stable_token', { ...tokenQuery })).json['errcode']).toBe(45011);
  });

  it('answers an errcode fault even to an otherwise invalid request, in the API’s own content type', async () => {
    await sim.post('/control/faults', { api: 'jscode2session', errcode: 40226 });
    const answer = await sim.get('/sns/jscode2session');
    expect(answer.contentType).toBe('text/plain');
    expect(answer.json['errcode']).toBe(40226);
    expect(answer.json['errmsg']).toMatch(RID_SUFFIX);
  });

  it('answers the errmsg given with an errcode, a rid appended, and refuses an errmsg without one', async () => {
    await sim.post('/control/faults', { api: 'token', errcode: 40013, errmsg: `invalid appsecret ${APP.secret}` });
    const answer = await sim.get('/cgi-bin/token', tokenQuery);
    expect(answer.json['errcode']).toBe(40013);
    expect(answer.json['errmsg']).toMatch(new RegExp(`^invalid appsecret ${APP.secret}, rid: `));
    expect((await sim.post('/control/faults', { api: 'token', errmsg: 'alone' })).status).toBe(400);
  });

  it('answers a raw body, by default as text/html, or with the given content type', async () => {
    await sim.post('/control/faults', { api: 'token', body: '<html><body>502 Bad Gateway</body></html>' });
    await sim.post('/control/faults', { api: 'token', body: '{"access_token": "trunc', contentType: 'application/json' });
    const html = await sim.get('/cgi-bin/token', tokenQuery);
    expect(html.status).toBe(200);
    expect(html.contentType).toBe('text/html; charset=utf-8');
    expect(html.text).toBe('<html><body>502 Bad Gateway</body></html>');
    const broken = await sim.get('/cgi-bin/token', tokenQuery);
    expect(broken.contentType).toBe('application/json');
    expect(broken.text).toBe('{"access_token": "trunc');
  });

  it('delays a normal answer when only delayMs is given', async () => {
    await sim.post('/control/faults', { api: 'token', delayMs: 300 });
    const started = Date.now();
    const delayed = await sim.get('/cgi-bin/token', tokenQuery);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(delayed.json['expires_in']).toBe(7200);
    const next = Date.now();
    await sim.get('/cgi-bin/token', tokenQuery);
    expect(Date.now() - next).toBeLessThan(250);
  });

  it('hangs long enough for a client timeout to fire', async () => {
    await sim.post('/control/faults', { api: 'checksession', delayMs: 5000, errcode: -1 });
    await expect(fetch(`${sim.url}/wxa/checksession`, { signal: AbortSignal.timeout(200) })).rejects.toThrow();
  });

  it('consumes faults in the order they were added', async () => {
    await sim.post('/control/faults', { api: 'token', errcode: 45009 });
    await sim.post('/control/faults', { api: 'token', errcode: 40013, times: 2 });
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await sim.get('/cgi-bin/token', tokenQuery)).json['errcode']);
    expect(codes).toEqual([45009, 40013, 40013, undefined]);
  });

  it('DELETE /control/faults clears every queued fault', async () => {
    await sim.post('/control/faults', { api: 'token', errcode: -1, times: 5 });
    expect((await sim.call('DELETE', '/control/faults')).status).toBe(204);
    expect((await sim.get('/cgi-bin/token', tokenQuery)).json['expires_in']).toBe(7200);
  });
});

describe('GET /control/stats and POST /control/reset', () => {
  it('counts every call per API, faulted and failed ones included', async () => {
    await sim.post('/control/faults', { api: 'jscode2session', errcode: -1 });
    await sim.exchange('whatever');
    await sim.exchange('whatever');
    await sim.plainToken();
    const stats = await sim.get('/control/stats');
    expect(stats.json).toEqual({
      calls: { jscode2session: 2, token: 1, stable_token: 0, getuserphonenumber: 0, checksession: 0, resetusersessionkey: 0 },
    });
  });

  it('reset clears users, codes, faults, stats and the clock offset', async () => {
    const { code, openid } = await sim.mintCode();
    await sim.post('/control/faults', { api: 'token', errcode: -1 });
    const advanced = await sim.advance(86400);
    expect((await sim.post('/control/reset')).status).toBe(204);
    expect((await sim.exchange(code)).json['errcode']).toBe(40029);
    expect((await sim.post('/control/encrypt', { openid, data: {} })).status).toBe(404);
    expect((await sim.get('/cgi-bin/token', { grant_type: 'client_credential', ...APP })).json['expires_in']).toBe(7200);
    expect((await sim.get('/control/stats')).json['calls'].jscode2session).toBe(1);
    expect(await sim.advance(0)).toBeLessThan(advanced - 86000);
  });
});

describe('POST /control/clock', () => {
  it('moves the simulated clock forward and reports it in unix seconds', async () => {
    const before = await sim.advance(0);
    expect(Math.abs(before - Date.now() / 1000)).toBeLessThan(5);
    expect(await sim.advance(3600)).toBeGreaterThanOrEqual(before + 3600);
  });

  it('refuses to go backwards', async () => {
    expect((await sim.post('/control/clock', { advanceSeconds: -1 })).status).toBe(400);
  });
});

describe('bad input to the control API: 400 with a message, never a 500', () => {
  const cases: [string, string, string][] = [
    ['malformed JSON', '/control/codes', '{"openid": '],
    ['a JSON array', '/control/codes', '[1,2]'],
    ['a JSON string', '/control/encrypt', '"hello"'],
    ['JSON null', '/control/codes', 'null'],
    ['an unknown field', '/control/codes', '{"openId": "oAbc"}'],
    ['a malformed sessionKey', '/control/codes', '{"sessionKey": "not-base64"}'],
    ['a 32-byte sessionKey', '/control/codes', JSON.stringify({ sessionKey: Buffer.alloc(32).toString('base64') })],
    ['an openid with spaces', '/control/codes', '{"openid": "o a b"}'],
    ['a missing phoneNumber', '/control/phone-codes', '{}'],
    ['letters in phoneNumber', '/control/phone-codes', '{"phoneNumber": "1380013800a"}'],
    ['a bad countryCode', '/control/phone-codes', '{"phoneNumber": "13800138000", "countryCode": "+86"}'],
    ['data that is not an object', '/control/encrypt', '{"openid": "oAbc", "data": "x"}'],
    ['encrypt without data', '/control/encrypt', '{"openid": "oAbc"}'],
    ['an unknown fault api', '/control/faults', '{"api": "sendmessage", "errcode": -1}'],
    ['a fault with nothing to do', '/control/faults', '{"api": "token"}'],
    ['a fault with errcode and body', '/control/faults', '{"api": "token", "errcode": -1, "body": "x"}'],
    ['a fault with errcode 0', '/control/faults', '{"api": "token", "errcode": 0}'],
    ['a fault contentType without a body', '/control/faults', '{"api": "token", "errcode": 1, "contentType": "text/html"}'],
    ['a fault content type with a newline', '/control/faults', '{"api": "token", "body": "x", "contentType": "text/html\\r\\nX-Evil: 1"}'],
    ['times 0', '/control/faults', '{"api": "token", "errcode": -1, "times": 0}'],
    ['a fractional delay', '/control/faults', '{"api": "token", "delayMs": 1.5}'],
    ['a clock without advanceSeconds', '/control/clock', '{}'],
    ['a clock with text', '/control/clock', '{"advanceSeconds": "soon"}'],
  ];

  it.each(cases)('%s', async (_name, path, body) => {
    const answer = await sim.call('POST', path, body, { 'content-type': 'application/json' });
    expect(answer.status).toBe(400);
    expect(answer.json['error'].code).toBe('BAD_REQUEST');
    expect(answer.json['error'].message).toEqual(expect.any(String));
    expect(answer.json['error'].message.length).toBeGreaterThan(5);
  });

  it('names the offending field', async () => {
    const answer = await sim.post('/control/codes', { openId: 'oAbc' });
    expect(answer.json['error'].message).toContain('openId');
  });

  it('answers 404 UNKNOWN_APP for an unknown appid when minting codes', async () => {
    const answer = await sim.post('/control/codes', { appid: 'wx1111111111111111' });
    expect(answer.status).toBe(404);
    expect(answer.json['error'].code).toBe('UNKNOWN_APP');
  });

  it('answers 4xx, not 500, for a body over the size limit', async () => {
    const answer = await sim.call('POST', '/control/codes', `{"x":"${'a'.repeat(2_000_000)}"}`, { 'content-type': 'application/json' });
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(answer.json['error'].code).toBe('BAD_REQUEST');
  });

  it('accepts a JSON body, an empty one, and no body at all', async () => {
    expect((await sim.call('POST', '/control/codes', '{}', { 'content-type': 'application/json; charset=utf-8' })).status).toBe(200);
    expect((await sim.call('POST', '/control/codes', '', { 'content-type': 'application/json' })).status).toBe(200);
    expect((await sim.call('POST', '/control/codes')).status).toBe(200);
  });
});

/** Any request, with any Host (fetch will not set one) and a body sent as given, with no Content-Type of its own. */
function raw(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; code?: string }> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({ host: url.hostname, port: url.port, method, path, headers }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, code: text === '' ? undefined : JSON.parse(text).error?.code }));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

describe('the control API refuses what a web page could send it', () => {
  const json = { 'content-type': 'application/json' };

  it.each([
    ['text/plain', 'text/plain;charset=UTF-8'],
    ['form', 'application/x-www-form-urlencoded'],
    ['multipart', 'multipart/form-data; boundary=x'],
  ])('a %s body (a request browsers send cross-site without asking): 415', async (_name, contentType) => {
    const answer = await raw(sim.url, 'POST', '/control/codes', { 'content-type': contentType }, '{"openid":"oFromAPage"}');
    expect(answer).toEqual({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect((await sim.post('/control/encrypt', { openid: 'oFromAPage', data: {} })).status).toBe(404);
  });

  it('a body without a Content-Type: 415; no body at all is fine (curl -X POST)', async () => {
    expect(await raw(sim.url, 'POST', '/control/codes', { 'content-length': '2' }, '{}')).toEqual({
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    });
    expect((await raw(sim.url, 'POST', '/control/codes', {})).status).toBe(200);
  });

  it('a request from a page of another origin or site: 403, whatever its body', async () => {
    const crossSite: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { origin: sim.url.replace(/:\d+$/, ':1') },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ];
    for (const headers of crossSite) {
      expect(await raw(sim.url, 'POST', '/control/codes', { ...json, ...headers }, '{}')).toEqual({
        status: 403,
        code: 'CROSS_SITE_REQUEST',
      });
      expect(await raw(sim.url, 'GET', '/control/stats', headers)).toEqual({ status: 403, code: 'CROSS_SITE_REQUEST' });
    }
  });

  it('a request from the page on its own origin, or from no page at all: served', async () => {
    const own: Record<string, string>[] = [{ origin: sim.url, 'sec-fetch-site': 'same-origin' }, { 'sec-fetch-site': 'none' }, {}];
    for (const headers of own) {
      expect((await raw(sim.url, 'POST', '/control/codes', { ...json, ...headers }, '{}')).status).toBe(200);
    }
  });

  it('a host name that is not its own (DNS rebinding): 403; loopback names and IP addresses: served', async () => {
    const port = new URL(sim.url).port;
    expect(await raw(sim.url, 'POST', '/control/codes', { ...json, host: `rebound.evil.example:${port}` }, '{}')).toEqual({
      status: 403,
      code: 'UNKNOWN_HOST',
    });
    expect(await raw(sim.url, 'GET', '/control/stats', { host: 'rebound.evil.example' })).toEqual({ status: 403, code: 'UNKNOWN_HOST' });
    for (const host of [`localhost:${port}`, `app.localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, `192.168.1.20:${port}`]) {
      expect((await raw(sim.url, 'POST', '/control/codes', { ...json, host, origin: `http://${host}` }, '{}')).status).toBe(200);
    }
  });

  it('the WeChat side stays as lenient as WeChat: any Content-Type, any origin', async () => {
    const body = JSON.stringify({ grant_type: 'client_credential', appid: APP.appid, secret: APP.secret });
    const answer = await sim.call('POST', '/cgi-bin/stable_token', body, { 'content-type': 'text/plain', origin: 'https://evil.example' });
    expect(answer.json['access_token']).toEqual(expect.any(String));
  });
});

describe('a simulator told its own host name', () => {
  let named: RunningSimulator;
  beforeAll(async () => {
    named = await startSimulator({ hosts: ['DevBox.test'] });
  });
  afterAll(async () => named.close());

  it('answers control requests under that name too', async () => {
    const port = new URL(named.url).port;
    const headers = { 'content-type': 'application/json', host: `devbox.test:${port}` };
    expect((await raw(named.url, 'POST', '/control/codes', headers, '{}')).status).toBe(200);
    expect((await raw(named.url, 'POST', '/control/codes', { ...headers, host: `other.test:${port}` }, '{}')).status).toBe(403);
  });
});
