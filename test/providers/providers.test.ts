import { AccessTokenManager } from '../../src/providers/wechat/api/access-token-manager.js';
import { WechatApi } from '../../src/providers/wechat/api/wechat-api.js';
import { WechatMiniProgramProvider } from '../../src/providers/wechat/miniprogram/provider.js';
import { type RunningSimulator, startSimulator } from '../../src/providers/wechat/simulator/index.js';
import { MemoryKv } from '../../src/store/kv/kv.js';
import { FakePlatform, FakeProvider } from '../support/fake-platform.js';
import { APP_A, APP_B, mintCode } from '../support/harness.js';
import { defineProviderConformance } from './provider-conformance.js';

// WeChat mini programs, code2Session answered over HTTP by the standalone simulator.
let simulator: RunningSimulator;
defineProviderConformance('wechat mini program', {
  async open() {
    simulator = await startSimulator({ apps: [APP_A, APP_B] });
    const wechat = new WechatApi({ baseUrl: simulator.url, timeoutMs: 1_000, retries: 1 });
    const apps = [APP_A, APP_B];
    const store = new MemoryKv();
    const wechatTokens = new AccessTokenManager({
      wechat,
      apps: new Map(apps.map((app) => [app.appid, app])),
      store,
      clock: Date.now,
      source: 'stable',
      mode: 'fetch',
    });
    return { provider: new WechatMiniProgramProvider({ wechat, apps, wechatTokens }), close: () => simulator.close() };
  },
  async mint(app, user = {}) {
    const minted = await mintCode(simulator.url, { appid: app, openid: user.subject, unionid: user.unionKey, sessionKey: user.secret });
    return { code: minted.code, subject: minted.openid };
  },
});

// A platform written against the seam alone: what a new provider starts from.
const platform = new FakePlatform();
defineProviderConformance('fake platform', {
  async open() {
    return { provider: new FakeProvider(platform, ['fk-app-1', 'fk-app-2']), close: async () => {} };
  },
  async mint(app, user = {}) {
    return platform.mint(app, user);
  },
});
