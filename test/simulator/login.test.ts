import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { APP, RID_SUFFIX, useSimulator } from './helpers.js';

const sim = useSimulator();

describe('GET /sns/jscode2session', () => {
  it('exchanges a minted code for openid and session_key, as text/plain JSON without errcode', async () => {
    const minted = await sim.mintCode();
    const answer = await sim.exchange(minted.code);
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('text/plain');
    expect(answer.json).toEqual({ openid: minted.openid, session_key: minted.sessionKey });
    expect(answer.json).not.toHaveProperty('errcode');
  });

  it('mints realistic identifiers', async () => {
    const minted = await sim.mintCode();
    expect(minted.code).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(minted.openid).toMatch(/^o[A-Za-z0-9_-]{27}$/);
    expect(Buffer.from(minted.sessionKey, 'base64')).toHaveLength(16);
    expect(minted.sessionKey).toHaveLength(24);
  });

  it('returns unionid only for users that have one', async () => {
    const unionid = 'oUnion0123456789abcdefghijkl';
    const withUnion = await sim.mintCode({ unionid });
    expect((await sim.exchange(withUnion.code)).json['unionid']).toBe(unionid);
    expect((await sim.exchange((await sim.mintCode()).code)).json).not.toHaveProperty('unionid');
  });

  it('uses a fixed sessionKey when given (known-answer tests)', async () => {
    const sessionKey = 'tiihtNczf5v6AKRyjwEUhQ==';
    const minted = await sim.mintCode({ openid: 'oKnownAnswerUser000000000000', sessionKey });
    expect(minted.sessionKey).toBe(sessionKey);
    expect((await sim.exchange(minted.code)).json['session_key']).toBe(sessionKey);
  });

  it('answers 40163 when a code is used twice', async () => {
    const { code } = await sim.mintCode();
    await sim.exchange(code);
    const again = await sim.exchange(code);
    expect(again.json['errcode']).toBe(40163);
    expect(again.json['errmsg']).toMatch(/^code been used/);
    expect(again.json['errmsg']).toMatch(RID_SUFFIX);
    expect(again.contentType).toBe('text/plain');
  });

  it('answers 40029 for a code older than 5 minutes, but not for one just under', async () => {
    const fresh = await sim.mintCode();
    const old = await sim.mintCode();
    await sim.advance(299);
    expect((await sim.exchange(fresh.code)).json['openid']).toBe(fresh.openid);
    await sim.advance(1);
    expect((await sim.exchange(old.code)).json['errcode']).toBe(40029);
  });

  it('answers 40029 for an unknown code', async () => {
    expect((await sim.exchange('0716AVll20uHk94SLDml27etM946AVlq')).json['errcode']).toBe(40029);
  });

  it.each([
    ['appid missing', { secret: APP.secret, js_code: 'x' }, 41002],
    ['unknown appid', { appid: 'wx1111111111111111', secret: APP.secret, js_code: 'x' }, 40013],
    ['secret missing', { appid: APP.appid, js_code: 'x' }, 41004],
    ['wrong secret', { appid: APP.appid, secret: 'wrong', js_code: 'x' }, 40125],
    ['js_code missing', { appid: APP.appid, secret: APP.secret }, 41008],
  ])('%s → %i', async (_name, query, errcode) => {
    const answer = await sim.get('/sns/jscode2session', { ...query, grant_type: 'authorization_code' });
    expect(answer.status).toBe(200);
    expect(answer.json['errcode']).toBe(errcode);
    expect(answer.json['errmsg']).toMatch(RID_SUFFIX);
  });

  it('rotates the session_key when a new code is minted for the same user: the old key fails checksession', async () => {
    const first = await sim.mintCode();
    const second = await sim.mintCode({ openid: first.openid });
    expect(second.sessionKey).not.toBe(first.sessionKey);
    const token = await sim.plainToken();
    const check = (key: string) =>
      sim.get('/wxa/checksession', {
        access_token: token,
        openid: first.openid,
        signature: createHmac('sha256', key).update('').digest('hex'),
        sig_method: 'hmac_sha256',
      });
    expect((await check(first.sessionKey)).json['errcode']).toBe(87009);
    expect((await check(second.sessionKey)).json).toEqual({ errcode: 0, errmsg: 'ok' });
    // The older code still carries the key of its own login, by now stale.
    expect((await sim.exchange(first.code)).json['session_key']).toBe(first.sessionKey);
  });
});

describe('apps', () => {
  const other = { appid: 'wx0123456789abcdef', secret: 'its-secret' };
  const multi = useSimulator({ apps: [APP, other] });

  it('knows every configured app and keeps codes per app', async () => {
    const minted = await multi.mintCode({ appid: other.appid });
    expect((await multi.exchange(minted.code, APP)).json['errcode']).toBe(40029);
    expect((await multi.exchange(minted.code, other)).json['openid']).toBe(minted.openid);
  });

  it('mints for the first configured app when the control call names none', async () => {
    const minted = await multi.mintCode();
    expect((await multi.exchange(minted.code, APP)).json['openid']).toBe(minted.openid);
  });
});
