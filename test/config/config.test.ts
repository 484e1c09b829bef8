import { describe, expect, it } from 'vitest';
import { maskedConfig } from '../../src/admin/config-view.js';
import { loadConfig } from '../../src/server/config.js';
import { problemsOf } from '../support/config-problems.js';

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

  it('sizes the database pool from DATABASE_POOL_SIZE, ten by default, refusing a size that is no count of connections', () => {
    expect(loadConfig({}).databasePoolSize).toBe(10);
    expect(loadConfig({ DATABASE_POOL_SIZE: '40' }).databasePoolSize).toBe(40);
    for (const bad of ['0', '-3', 'many', '2.5', '1001']) {
      expect(problemsOf({ DATABASE_POOL_SIZE: bad })).toContain(`DATABASE_POOL_SIZE must be an integer from 1 to 1000, got "${bad}"`);
    }
  });

  it('names each bad variable and what it must be', () => {
    const message = problemsOf({
      PORT: 'eighty',
      ACCESS_TOKEN_TTL: '5',
      LOG_LEVEL: 'loud',
      TRUST_PROXY: 'maybe',
      DATA_ENCRYPTION_KEY: 'c2hvcnQ=',
    });
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
    expect(problemsOf({ DATABASE_URL: 'postgres://db/weapp' })).toMatch(/looks like a deployment \(a server DATABASE_URL\)/);
    expect(problemsOf({ DATA_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64') })).toMatch(
      /looks like a deployment \(DATA_ENCRYPTION_KEY\)/,
    );
    expect(loadConfig({ WECHAT_APPID: 'wx0123456789abcdef', WECHAT_SIMULATOR: 'true' }).simulatorMode).toBe(true);
    expect(problemsOf({ WECHAT_APPID: 'wx0123456789abcdef', WECHAT_SECRET: 's', WECHAT_SIMULATOR: 'true' })).toMatch(/conflicts/);
  });

  it('takes a server reachable from elsewhere, behind a proxy, sharing Redis or with a public issuer for a deployment', () => {
    const deployments: Record<string, string>[] = [
      { HOST: '0.0.0.0' },
      { HOST: '::' },
      { HOST: '192.168.1.20' },
      { TRUST_PROXY: '1' },
      { REDIS_URL: 'redis://127.0.0.1:6379' },
      { TOKEN_ISSUER: 'https://auth.example.com' },
    ];
    for (const env of deployments) {
      const [name, value] = Object.entries(env)[0] as [string, string];
      expect(problemsOf(env)).toMatch(new RegExp(`no platform's secret is configured, but this looks like a deployment \\(${name}[ =),]`));
      // Asked for explicitly, outside production, the simulator still runs there (a phone on the LAN, a shared dev box).
      expect(loadConfig({ ...env, WECHAT_SIMULATOR: 'true' }).simulatorMode, `${name}=${value} with WECHAT_SIMULATOR=true`).toBe(true);
    }
    for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '::1']) expect(loadConfig({ HOST: host }).simulatorMode).toBe(true);
    expect(loadConfig({ TRUST_PROXY: 'false', TOKEN_ISSUER: 'http://127.0.0.1:3000' }).simulatorMode).toBe(true);
  });

  it('accepts only development, test or production as NODE_ENV, so "prod" cannot fall back to the simulator', () => {
    for (const value of ['prod', 'Production', 'staging']) {
      expect(problemsOf({ NODE_ENV: value })).toContain(`NODE_ENV must be one of development, test, production, got "${value}"`);
    }
    expect(loadConfig({ NODE_ENV: 'development' }).env).toBe('development');
    expect(loadConfig({ NODE_ENV: 'test' }).env).toBe('test');
    expect(loadConfig({}).env).toBe('development');
  });

  it('names an unsupported DATABASE_URL, password masked, and takes mariadb:// as MySQL', () => {
    const withSecret = { WECHAT_APPID: 'wx0123456789abcdef', WECHAT_SECRET: 's' };
    const message = problemsOf({ ...withSecret, DATABASE_URL: 'mongodb://admin:hunter2@db/weapp' });
    expect(message).toContain('DATABASE_URL "mongodb://admin:***@db/weapp" is not supported');
    expect(message).not.toContain('hunter2');
    expect(loadConfig({ ...withSecret, DATABASE_URL: 'mariadb://weapp@db:3306/weapp' }).databaseUrl).toBe('mariadb://weapp@db:3306/weapp');
  });

  it('refuses a plain-http WeChat base in production, except to this machine', () => {
    const production = {
      NODE_ENV: 'production',
      WECHAT_APPID: 'wx0123456789abcdef',
      WECHAT_SECRET: 's',
      DATA_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64'),
    };
    expect(problemsOf({ ...production, WECHAT_API_BASE: 'http://wechat-proxy.internal' })).toMatch(/must be https in production/);
    expect(loadConfig({ ...production, WECHAT_API_BASE: 'http://127.0.0.1:4000' }).providers.wechat.apiBase).toBe('http://127.0.0.1:4000');
  });

  it('reads TRUST_PROXY as a switch, a hop count or the proxies’ addresses', () => {
    const withSecret = { WECHAT_APPID: 'wx0123456789abcdef', WECHAT_SECRET: 's' };
    expect(loadConfig({ ...withSecret, TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ ...withSecret, TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ ...withSecret, TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1']);
    expect(loadConfig({}).trustProxy).toBe(false);
  });

  it('reads the HTTP timeouts, the headers being part of the request', () => {
    expect(loadConfig({}).httpTimeouts).toEqual({ headersMs: 10_000, requestMs: 30_000, keepAliveMs: 72_000 });
    const set = { HTTP_HEADERS_TIMEOUT_MS: '2000', HTTP_REQUEST_TIMEOUT_MS: '5000', HTTP_KEEP_ALIVE_TIMEOUT_MS: '65000' };
    expect(loadConfig(set).httpTimeouts).toEqual({ headersMs: 2000, requestMs: 5000, keepAliveMs: 65_000 });
    expect(problemsOf({ HTTP_HEADERS_TIMEOUT_MS: '20000', HTTP_REQUEST_TIMEOUT_MS: '10000' })).toMatch(
      /HTTP_HEADERS_TIMEOUT_MS \(20000\) must not exceed/,
    );
    expect(problemsOf({ HTTP_KEEP_ALIVE_TIMEOUT_MS: '0' })).toMatch(/HTTP_KEEP_ALIVE_TIMEOUT_MS must be an integer from 100/);
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
