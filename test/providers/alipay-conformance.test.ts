import type { RunningAlipaySimulator } from '../../src/providers/alipay/simulator/index.js';
import { alipayPlatform, control } from './alipay-support.js';
import { defineProviderConformance } from './provider-conformance.js';

// Alipay mini programs, alipay.system.oauth.token answered over HTTP by the standalone simulator; no union, no secret.
let simulator: RunningAlipaySimulator;
defineProviderConformance('alipay mini program', {
  has: { union: false, secret: false },
  async open() {
    const platform = await alipayPlatform();
    simulator = platform.simulator;
    return { provider: platform.provider(), close: () => simulator.close() };
  },
  async mint(app, user = {}) {
    const minted = await control(simulator, '/codes', { appid: app, ...(user.subject === undefined ? {} : { subject: user.subject }) });
    return { code: minted.code ?? '', subject: minted.subject ?? '' };
  },
});
