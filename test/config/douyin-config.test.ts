import { describe, expect, it } from 'vitest';
import { maskedConfig } from '../../src/admin/config-view.js';
import { ConfigError, configSecrets, loadConfig } from '../../src/server/config.js';
import type { DouyinSettings } from '../../src/server/platforms/douyin.js';
import { problemsOf } from '../support/config-problems.js';
import { DOUYIN_APP_A, DOUYIN_APP_B, phoneKeyPair } from '../support/douyin.js';

const APPS = `${DOUYIN_APP_A.appid}:${DOUYIN_APP_A.secret},${DOUYIN_APP_B.appid}:${DOUYIN_APP_B.secret}`;

describe('Douyin’s variables', () => {
  it('turn Douyin on with its apps, defaults and key, and simulator mode off', () => {
    const { privateKey } = phoneKeyPair();
    const config = loadConfig({ DOUYIN_APPS: APPS, DOUYIN_PRIVATE_KEY: privateKey.replaceAll('\n', '\\n') });
    expect(config.simulatorMode).toBe(false);
    const douyin = config.platforms.find(({ wiring }) => wiring.id === 'douyin');
    expect(douyin?.settings as DouyinSettings).toEqual({
      apps: [DOUYIN_APP_A, DOUYIN_APP_B],
      apiBase: undefined,
      timeoutMs: 5_000,
      retries: 2,
      privateKey: privateKey.trim(),
    });
    expect(configSecrets(config)).toEqual(expect.arrayContaining([DOUYIN_APP_A.secret, DOUYIN_APP_B.secret, privateKey.trim()]));
    // `weapp-auth config` prints the configuration: never a Douyin secret or the key in it.
    const printed = JSON.stringify(maskedConfig(config));
    expect(printed).toContain(DOUYIN_APP_A.appid);
    for (const secret of [DOUYIN_APP_A.secret, DOUYIN_APP_B.secret, 'PRIVATE KEY']) expect(printed).not.toContain(secret);
  });

  it('leave Douyin off when none is set', () => {
    expect(loadConfig({}).platforms.some(({ wiring }) => wiring.id === 'douyin')).toBe(false);
  });

  it('name each bad one, never quoting a secret', () => {
    const message = problemsOf({
      DOUYIN_APPS: `wx0123456789abcdef:not-shown-1,${DOUYIN_APP_A.appid},${DOUYIN_APP_B.appid}:not-shown-2,${DOUYIN_APP_B.appid}:not-shown-3`,
      DOUYIN_PRIVATE_KEY: 'not a key',
      DOUYIN_TIMEOUT_MS: '10',
      DOUYIN_RETRIES: 'many',
      DOUYIN_API_BASE: 'ftp://example.com',
    });
    expect(message).toContain('DOUYIN_APPS: entry 1 "wx0123456789abcdef" is not a Douyin appid');
    expect(message).toContain(`DOUYIN_APPS: the app ${DOUYIN_APP_A.appid} needs a secret`);
    expect(message).toContain(`DOUYIN_APPS: the app ${DOUYIN_APP_B.appid} is listed twice`);
    expect(message).toContain('DOUYIN_PRIVATE_KEY:');
    expect(message).toContain('DOUYIN_TIMEOUT_MS must be an integer');
    expect(message).toContain('DOUYIN_RETRIES must be an integer');
    expect(message).toContain('DOUYIN_API_BASE must be an http(s) URL');
    expect(message).not.toMatch(/not-shown|not a key/);
  });

  it('refuse a plain-http Douyin base in production, except to this machine', () => {
    const production = { NODE_ENV: 'production', DATA_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'), DOUYIN_APPS: APPS };
    expect(problemsOf({ ...production, DOUYIN_API_BASE: 'http://proxy.example.com' })).toContain(
      'DOUYIN_API_BASE must be https in production',
    );
    const local = loadConfig({ ...production, DOUYIN_API_BASE: 'http://127.0.0.1:4100' });
    expect((local.platforms[0]?.settings as DouyinSettings).apiBase).toBe('http://127.0.0.1:4100');
  });
});
