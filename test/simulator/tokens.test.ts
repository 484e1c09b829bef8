import { describe, expect, it } from 'vitest';
import { APP, RID_SUFFIX, type SimulatorClient, useSimulator } from './helpers.js';

const sim = useSimulator();
const credentials = { grant_type: 'client_credential', appid: APP.appid, secret: APP.secret };

/** errcode of a call that needs an access token; 0 when the token works. */
async function tokenWorks(client: SimulatorClient, token: string): Promise<number> {
  const answer = await client.post('/wxa/business/getuserphonenumber', { code: 'not-a-phone-code' }, { access_token: token });
  // 40029 means the token passed and the (deliberately bad) code was looked at.
  return answer.json['errcode'] === 40029 ? 0 : (answer.json['errcode'] as number);
}

function stable(body: Record<string, unknown> = {}) {
  return sim.post('/cgi-bin/stable_token', { ...credentials, ...body });
}

describe('GET /cgi-bin/token', () => {
  it('mints a long token valid for 7200 s, as JSON', async () => {
    const answer = await sim.get('/cgi-bin/token', credentials);
    expect(answer.contentType).toBe('application/json; encoding=utf-8');
    expect(answer.json['expires_in']).toBe(7200);
    expect(answer.json['access_token']).toMatch(/^[A-Za-z0-9_-]{100,}$/);
    expect(answer.json).not.toHaveProperty('errcode');
  });

  it('keeps the previous token working for 5 minutes after a new fetch, then answers 40001', async () => {
    const first = await sim.plainToken();
    const second = await sim.plainToken();
    expect(second).not.toBe(first);
    await sim.advance(299);
    expect(await tokenWorks(sim, first)).toBe(0);
    await sim.advance(1);
    expect(await tokenWorks(sim, first)).toBe(40001);
    expect(await tokenWorks(sim, second)).toBe(0);
  });

  it('answers 42001 once a token has lived 7200 s', async () => {
    const token = await sim.plainToken();
    await sim.advance(7199);
    expect(await tokenWorks(sim, token)).toBe(0);
    await sim.advance(1);
    expect(await tokenWorks(sim, token)).toBe(42001);
  });

  it.each([
    ['bad grant_type', { ...credentials, grant_type: 'authorization_code' }, 40002],
    ['appid missing', { grant_type: 'client_credential', secret: APP.secret }, 41002],
    ['unknown appid', { ...credentials, appid: 'wx1111111111111111' }, 40013],
    ['wrong secret', { ...credentials, secret: 'nope' }, 40125],
  ])('%s → %i', async (_name, query, errcode) => {
    const answer = await sim.get('/cgi-bin/token', query);
    expect(answer.json['errcode']).toBe(errcode);
    expect(answer.json['errmsg']).toMatch(RID_SUFFIX);
  });
});

describe('POST /cgi-bin/stable_token', () => {
  it('returns the same token while it has more than 5 minutes left, with the remaining lifetime', async () => {
    const first = await stable();
    expect(first.json['expires_in']).toBe(7200);
    await sim.advance(1000);
    const again = await stable();
    expect(again.json['access_token']).toBe(first.json['access_token']);
    // Real milliseconds pass between the calls too.
    expect(again.json['expires_in']).toBeGreaterThanOrEqual(6199);
    expect(again.json['expires_in']).toBeLessThanOrEqual(6200);
  });

  it('renews in the last 5 minutes; the old token works until its own expiry', async () => {
    const first = (await stable()).json['access_token'] as string;
    await sim.advance(6890);
    expect((await stable()).json['access_token']).toBe(first);
    await sim.advance(11);
    const renewed = await stable();
    expect(renewed.json['access_token']).not.toBe(first);
    expect(renewed.json['expires_in']).toBe(7200);
    await sim.advance(298);
    expect(await tokenWorks(sim, first)).toBe(0);
    await sim.advance(1);
    expect(await tokenWorks(sim, first)).toBe(42001);
  });

  it('always answers expires_in ≥ 300', async () => {
    await stable();
    for (const step of [3000, 3000, 899, 1, 299, 7000]) {
      await sim.advance(step);
      expect((await stable()).json['expires_in']).toBeGreaterThanOrEqual(300);
    }
  });

  it('is independent of /cgi-bin/token in both directions', async () => {
    const stableToken = (await stable()).json['access_token'] as string;
    const plain = await sim.plainToken();
    await sim.plainToken();
    await sim.advance(301);
    expect(await tokenWorks(sim, stableToken)).toBe(0);
    expect((await stable()).json['access_token']).toBe(stableToken);
    // and a stable force refresh leaves plain tokens alone
    const latestPlain = await sim.plainToken();
    await stable({ force_refresh: true });
    expect(await tokenWorks(sim, latestPlain)).toBe(0);
    expect(plain).not.toBe(latestPlain);
  });

  it('force_refresh replaces the token at once: the previous one answers 40001', async () => {
    const first = (await stable()).json['access_token'] as string;
    const forced = await stable({ force_refresh: true });
    expect(forced.json['access_token']).not.toBe(first);
    expect(await tokenWorks(sim, first)).toBe(40001);
    expect(await tokenWorks(sim, forced.json['access_token'])).toBe(0);
  });

  it('force_refresh needs 30 s between calls (45009)', async () => {
    await stable({ force_refresh: true });
    await sim.advance(29);
    expect((await stable({ force_refresh: true })).json['errcode']).toBe(45009);
    await sim.advance(1);
    expect((await stable({ force_refresh: true })).json).toHaveProperty('access_token');
  });

  it('force_refresh works 20 times a day, then 45009 until the next day (UTC+8 midnight)', async () => {
    // Start just after a UTC+8 midnight so the 20 calls share one day.
    const now = await sim.advance(0);
    const sinceMidnight = (now + 8 * 3600) % 86400;
    await sim.advance(86400 - sinceMidnight + 1);
    for (let i = 0; i < 20; i++) {
      expect((await stable({ force_refresh: true })).json).toHaveProperty('access_token');
      await sim.advance(30);
    }
    const refused = await stable({ force_refresh: true });
    expect(refused.json['errcode']).toBe(45009);
    expect(refused.json['errmsg']).toMatch(/^reach max api daily quota limit, rid: /);
    // A normal call still works on a refused day.
    expect((await stable()).json).toHaveProperty('access_token');
    await sim.advance(86400);
    expect((await stable({ force_refresh: true })).json).toHaveProperty('access_token');
  });

  it('rejects parameters sent in the query string instead of the JSON body (41002)', async () => {
    const answer = await sim.call('POST', `/cgi-bin/stable_token?${new URLSearchParams(credentials).toString()}`);
    expect(answer.json['errcode']).toBe(41002);
  });

  it('reads the body as JSON whatever the Content-Type', async () => {
    const answer = await sim.call('POST', '/cgi-bin/stable_token', JSON.stringify(credentials), {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(answer.json['expires_in']).toBe(7200);
  });

  it.each([
    ['broken JSON', '{"grant_type": "client_credential",', 47001],
    ['a JSON array', '[]', 47001],
    ['a non-boolean force_refresh', JSON.stringify({ ...credentials, force_refresh: 'yes' }), 47001],
    ['a non-string appid', JSON.stringify({ ...credentials, appid: 42 }), 47001],
    ['a wrong grant_type', JSON.stringify({ ...credentials, grant_type: 'password' }), 40002],
    ['a wrong secret', JSON.stringify({ ...credentials, secret: 'nope' }), 40125],
  ])('answers %s with %i', async (_name, body, errcode) => {
    const answer = await sim.call('POST', '/cgi-bin/stable_token', body, { 'content-type': 'application/json' });
    expect(answer.status).toBe(200);
    expect(answer.json['errcode']).toBe(errcode);
  });
});

describe('access token checks of APIs that need one', () => {
  it('answers 41001 without a token and 40001 for an unknown one', async () => {
    expect((await sim.post('/wxa/business/getuserphonenumber', { code: 'x' })).json['errcode']).toBe(41001);
    expect(await tokenWorks(sim, 'made-up-token')).toBe(40001);
  });

  it('forgets every token on reset', async () => {
    const token = await sim.plainToken();
    await sim.post('/control/reset');
    expect(await tokenWorks(sim, token)).toBe(40001);
  });
});
