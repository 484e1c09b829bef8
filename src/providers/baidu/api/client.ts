import { callPlatform, type PlatformDialect, type PlatformTransport, sessionOf, stringField } from '../../code2session/api/request.js';
import type { AppCredentials, PlatformSession } from '../../code2session/miniprogram/provider.js';
import { BAIDU_CODE2SESSION, BAIDU_ERROR } from './wire.js';

/** An `error` string is an error (whatever the HTTP status: Baidu's OAuth answers them with 400). */
export const BAIDU_DIALECT: PlatformDialect = {
  name: 'Baidu',
  errorOf(body) {
    const error = stringField(body, 'error');
    return error === undefined ? undefined : { code: error, message: String(body.error_description ?? '') };
  },
  isBusy: (code) => code === BAIDU_ERROR.TEMPORARILY_UNAVAILABLE,
};

/** jscode2sessionkey: a swan login code → openid and session_key (24 bytes, the AES-192 key of encryptedData). */
export async function baiduCode2Session(transport: PlatformTransport, app: AppCredentials, code: string): Promise<PlatformSession> {
  const body = await callPlatform(transport, BAIDU_DIALECT, {
    ...BAIDU_CODE2SESSION,
    method: 'POST',
    params: { code, client_id: app.appid, sk: app.secret },
    publicParams: ['client_id'],
  });
  return sessionOf(body, { platform: BAIDU_DIALECT.name, api: BAIDU_CODE2SESSION.api }, { subject: 'openid' });
}
