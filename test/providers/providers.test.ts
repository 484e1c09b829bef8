import { afterAll, beforeAll } from 'vitest';
import { WechatApi } from '../../src/providers/wechat/api/wechat-api.js';
import { WechatMiniProgramProvider } from '../../src/providers/wechat/miniprogram/provider.js';
import { type RunningSimulator, startSimulator } from '../../src/providers/wechat/simulator/index.js';
import { FakePlatform, FakeProvider } from '../support/fake-platform.js';
import { APP_A, APP_B, mintCode } from '../support/harness.js';
import { providerConformance } from './conformance.js';

/** Every provider runs the same suite: WeChat's against its simulator over HTTP, and the fake platform's. */
let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startSimulator({ apps: [APP_A, APP_B] });
});
afterAll(async () => simulator.close());

providerConformance('wechat (mini program), against its simulator', async () => {
  const wechat = new WechatApi({ baseUrl: simulator.url, timeoutMs: 2000, retries: 0 });
  return {
    provider: new WechatMiniProgramProvider({ wechat, apps: [APP_A, APP_B] }),
    givesSecret: true,
    async mintCode(app, user = {}) {
      const minted = await mintCode(simulator.url, {
        appid: app,
        ...(user.subject === undefined ? {} : { openid: user.subject }),
        ...(user.unionKey === undefined ? {} : { unionid: user.unionKey }),
      });
      return { code: minted.code, subject: minted.openid };
    },
  };
});

providerConformance('a platform of the operator’s own (test/support/fake-platform.ts)', async () => {
  const platform = new FakePlatform();
  return {
    provider: new FakeProvider(platform, ['fake-app-one', 'fake-app-two']),
    givesSecret: false,
    async mintCode(app, user = {}) {
      return platform.mint(app, user);
    },
  };
});
