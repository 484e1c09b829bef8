import { kuaishouProvider } from '../../src/providers/kuaishou/miniprogram/provider.js';
import { startKuaishouSimulator } from '../../src/providers/kuaishou/simulator/index.js';
import { defineCode2SessionPlatformTests } from './code2session-platform.js';

defineCode2SessionPlatformTests({
  name: 'Kuaishou',
  apps: [
    { appid: 'ks715790869885446001', secret: 'kuaishou-secret-a-0123456789' },
    { appid: 'ks715790869885446002', secret: 'kuaishou-secret-b-0123456789' },
  ],
  provider: kuaishouProvider,
  start: (options) => startKuaishouSimulator(options),
  api: 'code2session',
  unionKeys: false,
  sessionKeyBytes: 16,
  errors: [
    { error: 100200100, code: 'INVALID_CODE' },
    { error: 100200101, code: 'KUAISHOU_CREDENTIALS_REJECTED' },
  ],
  codeLifetimeSeconds: 300,
  unavailable: 'KUAISHOU_UNAVAILABLE',
  timeout: 'KUAISHOU_TIMEOUT',
  credentialsRejected: 'KUAISHOU_CREDENTIALS_REJECTED',
  badResponse: 'KUAISHOU_BAD_RESPONSE',
  marksApp: false,
});
