import { describe, expect, it } from 'vitest';
import { APP, RID_SUFFIX, useSimulator } from './helpers.js';

const OTHER_APP = { appid: 'wx0123456789abcdef', secret: 'other-secret' };
const sim = useSimulator({ apps: [APP, OTHER_APP] });

async function phoneCode(body: Record<string, unknown>): Promise<string> {
  const answer = await sim.post('/control/phone-codes', body);
  expect(answer.status).toBe(200);
  return answer.json['code'] as string;
}

async function redeem(body: Record<string, unknown>, token?: string) {
  return sim.post('/wxa/business/getuserphonenumber', body, { access_token: token ?? (await sim.plainToken()) });
}

describe('POST /wxa/business/getuserphonenumber', () => {
  it('redeems a phone code for phone_info with a watermark of when the code was minted', async () => {
    const { openid } = await sim.mintCode();
    const mintedAt = await sim.advance(0);
    const code = await phoneCode({ openid, phoneNumber: '13580006666' });
    expect(code).toMatch(/^[0-9a-f]{64}$/);
    await sim.advance(120);
    const answer = await redeem({ code });
    expect(answer.contentType).toBe('application/json; encoding=utf-8');
    expect(answer.json).toEqual({
      errcode: 0,
      errmsg: 'ok',
      phone_info: {
        phoneNumber: '13580006666',
        purePhoneNumber: '13580006666',
        countryCode: '86',
        watermark: { timestamp: expect.any(Number), appid: APP.appid },
      },
    });
    expect(answer.json['phone_info'].watermark.timestamp).toBeGreaterThanOrEqual(mintedAt);
    expect(answer.json['phone_info'].watermark.timestamp).toBeLessThan(mintedAt + 120);
  });

  it('prefixes foreign numbers with their country code in phoneNumber only', async () => {
    const code = await phoneCode({ phoneNumber: '4155550100', countryCode: '1' });
    const info = (await redeem({ code })).json['phone_info'];
    expect(info).toMatchObject({ phoneNumber: '+14155550100', purePhoneNumber: '4155550100', countryCode: '1' });
  });

  it('works once: a second use answers 40029', async () => {
    const code = await phoneCode({ phoneNumber: '13800138000' });
    expect((await redeem({ code })).json['errcode']).toBe(0);
    const again = await redeem({ code });
    expect(again.json['errcode']).toBe(40029);
    expect(again.json['errmsg']).toMatch(RID_SUFFIX);
  });

  it('expires after 5 minutes (40029)', async () => {
    const young = await phoneCode({ phoneNumber: '13800138000' });
    const old = await phoneCode({ phoneNumber: '13800138001' });
    await sim.advance(299);
    expect((await redeem({ code: young })).json['errcode']).toBe(0);
    await sim.advance(1);
    expect((await redeem({ code: old })).json['errcode']).toBe(40029);
  });

  it('answers 40029 for a wx.login code and for an unknown code', async () => {
    const { code } = await sim.mintCode();
    expect((await redeem({ code })).json['errcode']).toBe(40029);
    expect((await redeem({ code: 'e31968a7f94cc5ee25fafc2aef2773f0bb8c3937b22520eb8ee345274d00c144' })).json['errcode']).toBe(40029);
  });

  it('checks the optional openid against the code owner (40029), leaving the code to its owner', async () => {
    const owner = await sim.mintCode();
    const stranger = await sim.mintCode();
    const code = await phoneCode({ openid: owner.openid, phoneNumber: '13800138000' });
    expect((await redeem({ code, openid: stranger.openid })).json['errcode']).toBe(40029);
    expect((await redeem({ code, openid: owner.openid })).json['errcode']).toBe(0);
  });

  it('answers 40029 for a code minted for another app', async () => {
    const code = await phoneCode({ appid: OTHER_APP.appid, phoneNumber: '13800138000' });
    expect((await redeem({ code })).json['errcode']).toBe(40029);
  });

  it('answers 41008 without a code, 42001 with an expired token', async () => {
    expect((await redeem({})).json['errcode']).toBe(41008);
    const token = await sim.plainToken();
    const code = await phoneCode({ phoneNumber: '13800138000' });
    await sim.advance(7200);
    expect((await redeem({ code }, token)).json['errcode']).toBe(42001);
  });

  it('answers 47001 for a body that is not JSON', async () => {
    const token = await sim.plainToken();
    const answer = await sim.call('POST', `/wxa/business/getuserphonenumber?access_token=${token}`, 'code=abc', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(answer.json['errcode']).toBe(47001);
  });
});
