import { describe, expect, it } from 'vitest';
import { maskedConfig } from '../../src/admin/config-view.js';
import { ConfigError, loadConfig } from '../../src/config.js';

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the configuration to be refused');
}

describe('loadConfig', () => {
  it('starts in simulator mode with no WeChat secret outside production', () => {
    const config = loadConfig({});
    expect(config.simulatorMode).toBe(true);
    expect(config.databaseUrl).toBe('sqlite:./data/weapp-auth.db');
    expect(config.port).toBe(3000);
  });

  it('uses the real WeChat when a secret is configured', () => {
    const config = loadConfig({ WECHAT_APPID: 'wx0123456789abcdef', WECHAT_SECRET: 's3cret' });
    expect(config.simulatorMode).toBe(false);
    expect(config.providers.wechat.apiBase).toBe('https://api.weixin.qq.com');
    expect(config.providers.wechat.apps).toEqual([{ appid: 'wx0123456789abcdef', secret: 's3cret' }]);
  });

  it('refuses production without credentials or a data-encryption key, naming both', () => {
    const message = problemsOf({ NODE_ENV: 'production' });
    expect(message).toContain('WECHAT_APPID and WECHAT_SECRET');
    expect(message).toContain('DATA_ENCRYPTION_KEY is required');
  });

  it('names each bad variable and what it must be', () => {
    const message = problemsOf({ PORT: 'eighty', ACCESS_TOKEN_TTL: '5', LOG_LEVEL: 'loud', TRUST_PROXY: 'maybe', DATA_ENCRYPTION_KEY: 'c2hvcnQ=' });
    expect(message).toMatch(/PORT must be an integer from 0 to 65535, got "eighty"/);
    expect(message).toMatch(/ACCESS_TOKEN_TTL must be an integer from 30/);
    expect(message).toMatch(/LOG_LEVEL must be one of/);
    expect(message).toMatch(/TRUST_PROXY must be true, false, a hop count or a list/);
    expect(message).toMatch(/DATA_ENCRYPTION_KEY must be 32 bytes/);
  });

  it('checks appids and the app list', () => {
    expect(problemsOf({ WECHAT_APPID: 'notanappid', WECHAT_SECRET: 'x' })).toMatch(/not a WeChat appid/);
    expect(problemsOf({ WECHAT_APPS: 'wx0123456789abcdef:a,wx0123456789abcdef:b' })).toMatch(/listed twice/);
    expect(problemsOf({ WECHAT_APPS: 'wx0123456789abcdef:a,wx0123456789abcde0' })).toMatch(/needs a secret/);
    expect(problemsOf({ WECHAT_SECRET: 'x' })).toMatch(/WECHAT_APPID is not/);
    expect(problemsOf({ WECHAT_APPID: 'wx0123456789abcdef', WECHAT_SECRET: 'x', WECHAT_API_BASE: 'ftp://x' })).toMatch(/WECHAT_API_BASE/);
  });

  it('reads several apps, the first being the default', () => {
    const config = loadConfig({ WECHAT_APPS: 'wx0123456789abcdef:a, wx0123456789abcde0:b:c' });
    expect(config.providers.wechat.apps).toEqual([
      { appid: 'wx0123456789abcdef', secret: 'a' },
      { appid: 'wx0123456789abcde0', secret: 'b:c' },
    ]);
  });

  it('never starts the simulator by accident where a real deployment is meant', () => {
    expect(problemsOf({ WECHAT_APPID: 'wx0123456789abcdef' })).toMatch(/WECHAT_SECRET is missing for wx0123456789abcdef/);
    expect(problemsOf({ DATABASE_URL: 'postgres://db/weapp' })).toMatch(/server database/);
    expect(problemsOf({ DATA_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64') })).toMatch(/DATA_ENCRYPTION_KEY is/);
    expect(loadConfig({ WECHAT_APPID: 'wx0123456789abcdef', WECHAT_SIMULATOR: 'true' }).simulatorMode).toBe(true);
    expect(problemsOf({ WECHAT_APPID: 'wx0123456789abcdef', WECHAT_SECRET: 's', WECHAT_SIMULATOR: 'true' })).toMatch(/conflicts/);
  });

  it('refuses a plain-http WeChat base in production, except to this machine', () => {
    const production = { NODE_ENV: 'production', WECHAT_APPID: 'wx0123456789abcdef', WECHAT_SECRET: 's', DATA_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64') };
    expect(problemsOf({ ...production, WECHAT_API_BASE: 'http://wechat-proxy.internal' })).toMatch(/must be https in production/);
    expect(loadConfig({ ...production, WECHAT_API_BASE: 'http://127.0.0.1:4000' }).providers.wechat.apiBase).toBe('http://127.0.0.1:4000');
  });

  it('reads TRUST_PROXY as a switch, a hop count or the proxies’ addresses', () => {
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1']);
    expect(loadConfig({}).trustProxy).toBe(false);
  });

  it('prints the configuration with every password masked, however it is spelt', () => {
    const config = loadConfig({
      WECHAT_APPID: 'wx0123456789abcdef',
      WECHAT_SECRET: 'the-app-secret',
      DATABASE_URL: 'mysql://weapp:p@ss%2Fw0rd@db:3306/weapp', // '@' raw, '/' encoded as a valid URL needs
      REDIS_URL: 'redis://:redis-password@cache:6379',
      METRICS_TOKEN: 'metrics-token',
      DATA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    });
    const printed = JSON.stringify(maskedConfig(config));
    for (const secret of ['the-app-secret', 'p@ss', 'w0rd', 'redis-password', 'metrics-token', Buffer.alloc(32, 7).toString('base64')]) {
      expect(printed).not.toContain(secret);
    }
    expect(printed).toContain('db:3306');
  });
});
