import type { PlatformTransport } from '../../code2session/api/request.js';
import { wechatShapedPhone } from '../../code2session/miniprogram/phone.js';
import { type AppCredentials, CodeSessionProvider } from '../../code2session/miniprogram/provider.js';
import { qqCode2Session } from '../api/client.js';
import { QQ_FAILURES } from '../failure.js';

/** The provider id of QQ mini programs, and the family their unionids are comparable within. */
export const QQ = 'qq';

/**
 * QQ mini program login: qq.login code → code2Session → openid (subject), unionid (family 'qq': one QQ Open Platform
 * account's apps) and session_key, which opens encryptedData as at WeChat (AES-128-CBC, JSON with a watermark).
 */
export function qqProvider(transport: PlatformTransport, apps: readonly AppCredentials[]): CodeSessionProvider {
  return new CodeSessionProvider(
    {
      id: QQ,
      unionFamily: QQ,
      failures: QQ_FAILURES,
      layout: { keyBytes: 16, plaintext: 'json' },
      appMark: 'required',
      code2Session: (app, code) => qqCode2Session(transport, app, code),
      phoneOf: wechatShapedPhone,
    },
    apps,
  );
}
