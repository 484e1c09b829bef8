import type { PlatformTransport } from '../../code2session/api/request.js';
import { mobileOnlyPhone } from '../../code2session/miniprogram/phone.js';
import { type AppCredentials, CodeSessionProvider } from '../../code2session/miniprogram/provider.js';
import { baiduCode2Session } from '../api/client.js';
import { BAIDU_FAILURES } from '../failure.js';

/** The provider id of Baidu smart programs. */
export const BAIDU = 'baidu';

/**
 * Baidu smart program login: swan.getLoginCode code → jscode2sessionkey → openid (subject) and session_key. No union
 * key: the login gives none. encryptedData is AES-192-CBC and ends with the AppKey it was made for, checked here as
 * WeChat's watermark is.
 */
export function baiduProvider(transport: PlatformTransport, apps: readonly AppCredentials[]): CodeSessionProvider {
  return new CodeSessionProvider(
    {
      id: BAIDU,
      failures: BAIDU_FAILURES,
      layout: { keyBytes: 24, plaintext: 'length-prefixed' },
      appMark: 'app-key-tail',
      code2Session: (app, code) => baiduCode2Session(transport, app, code),
      phoneOf: mobileOnlyPhone,
    },
    apps,
  );
}
