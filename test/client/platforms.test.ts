import { describe, expect, it } from 'vitest';
import { createAuthClient, type PromiseMiniProgramApi, taroPlatform, type User, uniPlatform } from '../../src/client/index.js';
import { useHarness } from '../support/harness.js';
import { type FakeWx, fakeWx } from './fake-wx.js';

const h = useHarness();

/** Taro's shape over the fake wx: promises that resolve for every status and reject with {errMsg}. */
function fakeTaro(wx: FakeWx): PromiseMiniProgramApi {
  return {
    request: (option) => new Promise((resolve, reject) => wx.request({ ...option, success: resolve, fail: reject })),
    login: () => new Promise((resolve, reject) => wx.login({ success: resolve, fail: reject })),
    getStorageSync: wx.getStorageSync,
    setStorageSync: wx.setStorageSync,
    removeStorageSync: wx.removeStorageSync,
  };
}

describe('platform adapters', () => {
  it('Taro (promise style): logs in, stores tokens, and reports an unreachable server as NETWORK_ERROR', async () => {
    const wx = fakeWx(h.simulator.url);
    const client = createAuthClient({ platform: taroPlatform(fakeTaro(wx)), baseUrl: h.server.url });
    expect((await client.request<User>({ url: '/api/me' })).id).toEqual(expect.any(String));
    expect(wx.logins).toBe(1);
    expect(wx.storage.size).toBe(1);
    const offline = createAuthClient({ platform: taroPlatform(fakeTaro(fakeWx(h.simulator.url))), baseUrl: 'http://127.0.0.1:9' });
    await expect(offline.request({ url: '/api/me' })).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
  });

  it("uni (callback style): logs in through WeChat with provider 'weixin'", async () => {
    const wx = fakeWx(h.simulator.url);
    const providers: Array<string | undefined> = [];
    const uni = { ...wx, login: (option: Parameters<FakeWx['login']>[0]) => (providers.push(option.provider), wx.login(option)) };
    await createAuthClient({ platform: uniPlatform(uni), baseUrl: h.server.url }).request({ url: '/api/me' });
    expect(providers).toEqual(['weixin']);
  });
});
