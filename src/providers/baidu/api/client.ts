import {
  callPlatform,
  type PlatformDialect,
  type PlatformTransport,
  PlatformTransportError,
  stringField,
} from '../../code2session/api/request.js';
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
  const subject = stringField(body, 'openid');
  const sessionKey = stringField(body, 'session_key');
  if (subject === undefined || sessionKey === undefined) {
    throw new PlatformTransportError('Baidu', BAIDU_CODE2SESSION.api, 'bad_response', 'answer lacks openid or session_key');
  }
  return { subject, sessionKey };
}
