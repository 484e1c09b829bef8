/**
 * A real third-party WeChat SDK from npm (node-easywechat, a port of PHP's EasyWeChat), unchanged except for its
 * base URL, against the simulator: proof that the simulator speaks WeChat's wire format rather than our own idea of it.
 */
import { CacheInterface, MiniApp } from 'node-easywechat';
import { describe, expect, it } from 'vitest';
import { APP, useSimulator } from './helpers.js';

const sim = useSimulator();

/** node-easywechat caches tokens in files by default; keep them in memory so tests leave nothing behind. */
class MemoryCache extends CacheInterface {
  readonly #entries = new Map<string, unknown>();
  override async get(key: string): Promise<any> {
    return this.#entries.get(key);
  }
  override async has(key: string): Promise<boolean> {
    return this.#entries.has(key);
  }
  override async set(key: string, data?: any): Promise<boolean> {
    this.#entries.set(key, data);
    return true;
  }
  override async delete(key: string): Promise<boolean> {
    return this.#entries.delete(key);
  }
}

function sdk(useStableToken: boolean): MiniApp {
  const app = new MiniApp({
    app_id: APP.appid,
    secret: APP.secret,
    use_stable_access_token: useStableToken,
    http: { baseURL: `${sim.url}/` },
  });
  app.setCache(new MemoryCache());
  return app;
}

describe('node-easywechat pointed at the simulator', () => {
  it('exchanges a wx.login code (code2Session)', async () => {
    const minted = await sim.mintCode({ unionid: 'oUnionSdk0000000000000000000' });
    const session = await sdk(false).getUtils().codeToSession(minted.code);
    expect(session).toMatchObject({ openid: minted.openid, session_key: minted.sessionKey, unionid: 'oUnionSdk0000000000000000000' });
  });

  it('sees a reused code as an error', async () => {
    const { code } = await sim.mintCode();
    const app = sdk(false);
    await app.getUtils().codeToSession(code);
    await expect(app.getUtils().codeToSession(code)).rejects.toThrow(/40163/);
  });

  it('gets a plain access token, and a stable one', async () => {
    const plain = await sdk(false).getAccessToken().getToken();
    const stable = await sdk(true).getAccessToken().getToken();
    expect(plain).toMatch(/^[A-Za-z0-9_-]{100,}$/);
    expect(stable).toMatch(/^[A-Za-z0-9_-]{100,}$/);
    expect(stable).not.toBe(plain);
    const stats = (await sim.get('/control/stats')).json['calls'];
    expect(stats).toMatchObject({ token: 1, stable_token: 1 });
  });

  it('fetches a phone number with the access token it obtained itself (plain and stable)', async () => {
    const { openid } = await sim.mintCode();
    for (const stable of [false, true]) {
      const { code } = (await sim.post('/control/phone-codes', { openid, phoneNumber: '13580006666' })).json;
      const response = await sdk(stable).getClient().postJson('wxa/business/getuserphonenumber', { code });
      expect(response.toObject()).toMatchObject({
        errcode: 0,
        phone_info: { phoneNumber: '13580006666', purePhoneNumber: '13580006666', countryCode: '86', watermark: { appid: APP.appid } },
      });
    }
  });

  it('decrypts data from /control/encrypt with the session_key from code2Session', async () => {
    const minted = await sim.mintCode();
    const app = sdk(false);
    const session = await app.getUtils().codeToSession(minted.code);
    const data = { stepInfoList: [{ timestamp: 1445866601, step: 100 }] };
    const { encryptedData, iv } = (await sim.post('/control/encrypt', { openid: minted.openid, data })).json;
    const plain = app.getUtils().decryptSession(session.session_key, iv, encryptedData);
    expect(plain).toMatchObject({ ...data, watermark: { appid: APP.appid } });
  });
});
