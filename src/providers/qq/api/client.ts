import { callPlatform, type PlatformDialect, type PlatformTransport, sessionOf } from '../../code2session/api/request.js';
import type { AppCredentials, PlatformSession } from '../../code2session/miniprogram/provider.js';
import { QQ_CODE2SESSION, QQ_ERRCODE } from './wire.js';

/** WeChat's error shape: a non-zero errcode is an error; success bodies carry none. */
export const QQ_DIALECT: PlatformDialect = {
  name: 'QQ',
  errorOf(body) {
    const errcode = body.errcode;
    if (errcode === undefined || errcode === 0) return undefined;
    return { code: String(errcode), message: String(body.errmsg ?? '') };
  },
  isBusy: (code) => code === String(QQ_ERRCODE.SYSTEM_BUSY),
};

/** code2Session at api.q.qq.com: a qq.login code → openid, session_key and, for apps bound to a QQ Open Platform account, unionid. */
export async function qqCode2Session(transport: PlatformTransport, app: AppCredentials, code: string): Promise<PlatformSession> {
  const body = await callPlatform(transport, QQ_DIALECT, {
    ...QQ_CODE2SESSION,
    method: 'GET',
    params: { appid: app.appid, secret: app.secret, js_code: code, grant_type: 'authorization_code' },
    publicParams: ['appid', 'grant_type'],
  });
  return sessionOf(body, { platform: QQ_DIALECT.name, api: QQ_CODE2SESSION.api }, { subject: 'openid', union: 'unionid' });
}
