import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config.js';
import { alipayPlatform } from '../../src/server/platforms/alipay.js';
import { problemsOf } from '../support/config-problems.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PKCS1_BODY = privateKey.export({ type: 'pkcs1', format: 'der' }).toString('base64');
const PUBLIC_BODY = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
const APPID = '2021000000000042';

describe('Alipay variables', () => {
  it('take an app with its keys as the key tool prints them, normalised to PEM, and turn simulator mode off', () => {
    const config = loadConfig({ ALIPAY_APPID: APPID, ALIPAY_PRIVATE_KEY: PKCS1_BODY, ALIPAY_PUBLIC_KEY: PUBLIC_BODY });
    expect(config.simulatorMode).toBe(false);
    const [platform] = config.platforms;
    expect(platform?.wiring.id).toBe('alipay');
    const settings = platform?.settings as Parameters<typeof alipayPlatform.secrets>[0];
    expect(settings.apps).toEqual([
      {
        appid: APPID,
        idMode: 'open_id',
        privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        alipayPublicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      },
    ]);
    // The private key is masked in both forms it may be given in.
    expect(alipayPlatform.secrets(settings)).toContain(privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'));
  });

  it('name the variable of every problem, never a key', () => {
    const encryptKey = randomBytes(5).toString('base64');
    const problems = problemsOf({
      ALIPAY_APPS: `${APPID}:user_id,12345,2021000000000043:union`,
      [`ALIPAY_${APPID}_PRIVATE_KEY`]: 'not-a-key',
      [`ALIPAY_${APPID}_ENCRYPT_KEY`]: encryptKey,
    });
    expect(problems).toMatch(`ALIPAY_${APPID}_PRIVATE_KEY is not an RSA private key`);
    expect(problems).toMatch(`ALIPAY_${APPID}_PUBLIC_KEY is required for the Alipay app ${APPID}`);
    expect(problems).toMatch(`ALIPAY_${APPID}_ENCRYPT_KEY must be the AES key`);
    expect(problems).toMatch('ALIPAY_APPS: entry 2 "12345"');
    expect(problems).toMatch('id mode "union"');
    expect(problems).not.toContain(encryptKey);
    expect(problems).not.toContain('not-a-key');

    expect(problemsOf({ ALIPAY_APPID: APPID, ALIPAY_APPS: APPID })).toMatch('set one of them, not both');
    expect(problemsOf({ ALIPAY_RETRIES: '1' })).toMatch('ALIPAY_RETRIES set but no Alipay app');
    expect(problemsOf({ NODE_ENV: 'production', ALIPAY_APPID: APPID })).toMatch('ALIPAY_PRIVATE_KEY is required');
  });

  it('without keys outside production name the appid the simulator serves', () => {
    const config = loadConfig({ ALIPAY_APPID: APPID, ALIPAY_ID_MODE: 'user_id' });
    expect(config.simulatorMode).toBe(true);
    expect(config.platforms[0]?.settings).toMatchObject({ apps: [{ appid: APPID, idMode: 'user_id' }] });
  });
});
