import { baiduProvider } from '../../src/providers/baidu/miniprogram/provider.js';
import { startBaiduSimulator } from '../../src/providers/baidu/simulator/index.js';
import { kuaishouProvider } from '../../src/providers/kuaishou/miniprogram/provider.js';
import { startKuaishouSimulator } from '../../src/providers/kuaishou/simulator/index.js';
import { qqProvider } from '../../src/providers/qq/miniprogram/provider.js';
import { startQqSimulator } from '../../src/providers/qq/simulator/index.js';
import type { Code2SessionPlatform } from '../providers/code2session-platform.js';

/** QQ, Baidu and Kuaishou as the shared tests drive them (test/providers and test/server): provider, simulator, error values. */

export const QQ_PLATFORM: Code2SessionPlatform = {
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
};

export const BAIDU_PLATFORM: Code2SessionPlatform = {
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
};

export const KUAISHOU_PLATFORM: Code2SessionPlatform = {
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
};
