import { baiduProvider } from '../../src/providers/baidu/miniprogram/provider.js';
import { startBaiduSimulator } from '../../src/providers/baidu/simulator/index.js';
import { defineCode2SessionPlatformTests } from './code2session-platform.js';

defineCode2SessionPlatformTests({
  name: 'Baidu',
  apps: [
    { appid: '4fecoAqgCIUtzIyA4FAPgoyrc4oUc25a', secret: 'baidu-secret-a-0123456789abcdef' },
    { appid: '4fecoAqgCIUtzIyA4FAPgoyrc4oUc25b', secret: 'baidu-secret-b-0123456789abcdef' },
  ],
  provider: baiduProvider,
  start: (options) => startBaiduSimulator(options),
  api: 'jscode2sessionkey',
  unionKeys: false,
  sessionKeyBytes: 24,
  errors: [
    { error: 'invalid_grant', code: 'INVALID_CODE' },
    { error: 'invalid_client', code: 'BAIDU_CREDENTIALS_REJECTED' },
    { error: 'temporarily_unavailable', code: 'BAIDU_UNAVAILABLE' },
    { error: 'invalid_request', code: 'BAIDU_BAD_RESPONSE' },
  ],
  busy: 'temporarily_unavailable',
  codeLifetimeSeconds: 600,
  unavailable: 'BAIDU_UNAVAILABLE',
  timeout: 'BAIDU_TIMEOUT',
  credentialsRejected: 'BAIDU_CREDENTIALS_REJECTED',
  badResponse: 'BAIDU_BAD_RESPONSE',
  marksApp: true,
});
