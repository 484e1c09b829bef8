import { qqProvider } from '../../src/providers/qq/miniprogram/provider.js';
import { startQqSimulator } from '../../src/providers/qq/simulator/index.js';
import { defineCode2SessionPlatformTests } from './code2session-platform.js';

defineCode2SessionPlatformTests({
  name: 'QQ',
  apps: [
    { appid: '1109000001', secret: 'qq-secret-a-0123456789abcdef' },
    { appid: '1109000002', secret: 'qq-secret-b-0123456789abcdef' },
  ],
  provider: qqProvider,
  start: (options) => startQqSimulator(options),
  api: 'jscode2session',
  unionKeys: true,
  sessionKeyBytes: 16,
  errors: [
    { error: 40029, code: 'INVALID_CODE' },
    { error: 40163, code: 'CODE_USED' },
    { error: 45011, code: 'QQ_RATE_LIMITED' },
    { error: -1, code: 'QQ_UNAVAILABLE' },
    { error: 40013, code: 'QQ_CREDENTIALS_REJECTED' },
    { error: 40125, code: 'QQ_CREDENTIALS_REJECTED' },
  ],
  busy: -1,
  codeLifetimeSeconds: 300,
  unavailable: 'QQ_UNAVAILABLE',
  timeout: 'QQ_TIMEOUT',
  credentialsRejected: 'QQ_CREDENTIALS_REJECTED',
  badResponse: 'QQ_BAD_RESPONSE',
  marksApp: true,
});
