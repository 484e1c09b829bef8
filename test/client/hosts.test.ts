import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AuthClientError,
  createAuthClient,
  detectPlatform,
  ksPlatform,
  myPlatform,
  type Platform,
  qqPlatform,
  swanPlatform,
  taroPlatform,
  ttPlatform,
  type User,
  uniPlatform,
  wxPlatform,
} from '../../src/client/index.js';
import { APP_A, APP_B, mintCode, useHarness } from '../support/harness.js';
import { fakeMy, fakeSwan, fakeTaro, fakeTt, fakeUni, fakeWxLike, type HostRecord, type Mint } from './fake-hosts.js';
import { STORAGE_KEY } from './helpers.js';

/*
 * Every host's runtime against today's server, whose only platform is WeChat: the host's own API shape end to end
 * (its request, storage and login calls), with the provider overridden to 'wechat' and codes minted at the WeChat
 * simulator. host-providers.test.ts runs them against each platform's own provider and simulator.
 */
const h = useHarness();
const wechatCode =
  (appid = APP_A.appid): Mint =>
  async () => ({ code: (await mintCode(h.simulator.url, { appid })).code });

afterEach(() => {
  vi.unstubAllGlobals();
});

const anyHost = fakeWxLike(async () => ({}));

describe('the runtime of each host', () => {
  it.each<[string, Platform, string]>([
    ['wx', wxPlatform(anyHost), 'wechat'],
    ['tt', ttPlatform(fakeTt(async () => ({}), { loggedIn: true })), 'douyin'],
    ['my', myPlatform(fakeMy(async () => ({}))), 'alipay'],
    ['qq', qqPlatform(anyHost), 'qq'],
    ['swan', swanPlatform(fakeSwan(async () => ({}))), 'baidu'],
    ['ks', ksPlatform(anyHost), 'kuaishou'],
    ['uni on mp-toutiao', uniPlatform(fakeUni(async () => ({}), 'mp-toutiao')), 'douyin'],
    ['uni on mp-alipay', uniPlatform(fakeUni(async () => ({}), 'mp-alipay')), 'alipay'],
    ['uni on mp-kuaishou', uniPlatform(fakeUni(async () => ({}), 'mp-kuaishou')), 'kuaishou'],
    ['uni that cannot tell', uniPlatform({ ...fakeUni(async () => ({}), ''), getSystemInfoSync: undefined }), 'wechat'],
    ['Taro on SWAN', taroPlatform(fakeTaro(async () => ({}), 'SWAN')), 'baidu'],
    ['Taro on KWAI', taroPlatform(fakeTaro(async () => ({}), 'kwai')), 'kuaishou'],
  ])('%s logs in with provider %s', (_name, platform, provider) => {
    expect(platform.provider).toBe(provider);
  });

  it.each([
    [['tt'], 'douyin'],
    [['my'], 'alipay'],
    [['swan'], 'baidu'],
    [['ks', 'wx'], 'kuaishou'],
    [['qq', 'wx'], 'qq'],
    [['wx'], 'wechat'],
  ])('is found by its global: %j → %s', (globals, provider) => {
    for (const name of globals)
      vi.stubGlobal(name, name === 'my' ? fakeMy(async () => ({})) : fakeTt(async () => ({}), { loggedIn: true }));
    expect(detectPlatform().provider).toBe(provider);
  });

  it('without any host global, says so instead of failing at the first request', () => {
    expect(() => createAuthClient({ baseUrl: h.server.url })).toThrow(/no mini program runtime found/);
  });
});

describe('each host end to end against the server (WeChat provider)', () => {
  const hosts: Array<[string, (mint: Mint) => HostRecord & object, (api: never) => Platform]> = [
    ['qq', fakeWxLike, qqPlatform as (api: never) => Platform],
    ['ks', fakeWxLike, ksPlatform as (api: never) => Platform],
    ['swan', fakeSwan, swanPlatform as (api: never) => Platform],
    ['my', (mint) => fakeMy(mint), myPlatform as (api: never) => Platform],
    ['uni (mp-baidu)', (mint) => fakeUni(mint, 'mp-baidu'), uniPlatform as (api: never) => Platform],
    ['Taro (ALIPAY)', (mint) => fakeTaro(mint, 'ALIPAY'), taroPlatform as (api: never) => Platform],
  ];

  it.each(hosts)(
    '%s: logs in through its own API, stores the tokens in its storage, and a relaunch reuses them',
    async (_name, fake, runtime) => {
      const host = fake(wechatCode());
      const client = createAuthClient({ platform: runtime(host as never), baseUrl: h.server.url, provider: 'wechat' });
      const me = await client.request<User>({ url: '/api/me' });
      expect(host.logins).toEqual([{ provider: 'wechat', code: expect.any(String) }]);
      expect(host.storage.get(STORAGE_KEY)).toMatchObject({ accessToken: expect.any(String) });
      const relaunched = createAuthClient({ platform: runtime(host as never), baseUrl: h.server.url, provider: 'wechat' });
      expect((await relaunched.request<User>({ url: '/api/me' })).id).toBe(me.id);
      expect(host.logins).toHaveLength(1);
    },
  );

  it('picks the app of the provider it logs in with from `apps`', async () => {
    const host = fakeUni(wechatCode(APP_B.appid), 'mp-weixin');
    const client = createAuthClient({
      platform: uniPlatform(host),
      baseUrl: h.server.url,
      apps: { wechat: APP_B.appid, douyin: 'tt0000000000000001' },
    });
    await client.login();
    expect(host.logins).toEqual([{ provider: 'wechat', appid: APP_B.appid, code: expect.any(String) }]);
    expect(host.loginOptions).toEqual([{ provider: 'weixin' }]);
    // A code of app B redeemed as app A's would have been refused: the server logged in to app B.
    const other = createAuthClient({ platform: uniPlatform(fakeUni(wechatCode(APP_B.appid), 'mp-weixin')), baseUrl: h.server.url });
    await expect(other.login()).rejects.toMatchObject({ code: 'INVALID_CODE' });
  });

  it('Alipay: a non-2xx answer, which my.request reports through fail (error 19), is the server’s error, not a network one', async () => {
    const host = fakeMy(wechatCode());
    const client = createAuthClient({ platform: myPlatform(host), baseUrl: h.server.url, provider: 'wechat' });
    const refused = await client.request({ url: '/api/unknown-route' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AuthClientError);
    expect(refused).toMatchObject({ statusCode: 404 });
    expect((refused as AuthClientError).code).not.toMatch(/NETWORK_ERROR|BAD_RESPONSE/);
    expect(host.loginOptions).toEqual([{ scopes: 'auth_base' }]);
  });

  it('Alipay: a user who declines my.getPhoneNumber gets PHONE_DENIED and nothing is sent', async () => {
    const host = fakeMy(wechatCode());
    const client = createAuthClient({ platform: myPlatform(host), baseUrl: h.server.url, provider: 'wechat' });
    await client.login();
    await expect(client.bindPhone({ detail: {} })).rejects.toMatchObject({ code: 'PHONE_DENIED' });
    expect(host.requests).not.toContain('POST /api/me/phone');
  });
});

describe('Douyin logins (tt.login, uni and Taro on Douyin)', () => {
  const device = 'anon-code-of-this-device';
  const douyinMint =
    (state: { loggedIn: boolean }) =>
    async (loggedIn: boolean): Promise<{ code?: string; anonymousCode: string }> => {
      state.loggedIn = loggedIn;
      return loggedIn ? { code: (await mintCode(h.simulator.url)).code, anonymousCode: device } : { anonymousCode: device };
    };

  it('asks silently (force: false) and sends anonymousCode beside the code', async () => {
    const state = { loggedIn: true };
    const tt = fakeTt(douyinMint(state), state);
    await createAuthClient({ platform: ttPlatform(tt), baseUrl: h.server.url, provider: 'wechat' }).request({ url: '/api/me' });
    expect(tt.loginOptions).toEqual([{ force: false }]);
    expect(tt.logins).toEqual([{ provider: 'wechat', code: expect.any(String), anonymousCode: device }]);
  });

  it('a user not logged in to the host sends anonymousCode alone (a guest); login({force: true}) asks the host to log in', async () => {
    const state = { loggedIn: false };
    const tt = fakeTt(douyinMint(state), state);
    const client = createAuthClient({ platform: ttPlatform(tt), baseUrl: h.server.url, provider: 'wechat' });
    // The WeChat provider has no guests: the server refuses, but the body is the guest's.
    await expect(client.login()).rejects.toBeInstanceOf(AuthClientError);
    expect(tt.logins).toEqual([{ provider: 'wechat', anonymousCode: device }]);
    const result = await client.login({ force: true });
    expect(tt.loginOptions).toEqual([{ force: false }, { force: true }]);
    expect(tt.logins[1]).toEqual({ provider: 'wechat', code: expect.any(String), anonymousCode: device });
    expect(result.isGuest).toBe(false);
  });

  it('uni on mp-toutiao and Taro on TT pass force and bring anonymousCode back', async () => {
    const mint = async () => ({ code: (await mintCode(h.simulator.url)).code, anonymousCode: device });
    const uni = fakeUni(mint, 'mp-toutiao');
    await createAuthClient({ platform: uniPlatform(uni), baseUrl: h.server.url, provider: 'wechat' }).login();
    expect(uni.loginOptions).toEqual([{ provider: 'toutiao', force: false }]);
    expect(uni.logins[0]).toMatchObject({ anonymousCode: device });
    const taro = fakeTaro(mint, 'TT');
    await createAuthClient({ platform: taroPlatform(taro), baseUrl: h.server.url, provider: 'wechat' }).login({ force: true });
    expect(taro.loginOptions).toEqual([{ force: true }]);
    expect(taro.logins[0]).toMatchObject({ anonymousCode: device });
  });
});
