import type { PlatformTransport } from '../../code2session/api/request.js';
import { wechatShapedPhone } from '../../code2session/miniprogram/phone.js';
import { type AppCredentials, CodeSessionProvider } from '../../code2session/miniprogram/provider.js';
import { kuaishouCode2Session } from '../api/client.js';
import { KUAISHOU_FAILURES } from '../failure.js';

/** The provider id of Kuaishou mini programs. */
export const KUAISHOU = 'kuaishou';

/**
 * Kuaishou mini program login: ks.login code → code2session → open_id (subject) and session_key. No union key: the
 * mini program's code2session documents none. encryptedData opens as WeChat's (AES-128-CBC, JSON); a watermark is
 * checked when the data carries one.
 */
export function kuaishouProvider(transport: PlatformTransport, apps: readonly AppCredentials[]): CodeSessionProvider {
  return new CodeSessionProvider(
    {
      id: KUAISHOU,
      failures: KUAISHOU_FAILURES,
      layout: { keyBytes: 16, plaintext: 'json' },
      appMark: 'if-present',
      code2Session: (app, code) => kuaishouCode2Session(transport, app, code),
      phoneOf: wechatShapedPhone,
    },
    apps,
  );
}
