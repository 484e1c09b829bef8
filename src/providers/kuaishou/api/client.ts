import {
  callPlatform,
  type PlatformDialect,
  type PlatformTransport,
  PlatformTransportError,
  stringField,
} from '../../code2session/api/request.js';
import type { AppCredentials, PlatformSession } from '../../code2session/miniprogram/provider.js';
import { KUAISHOU_CODE2SESSION, KUAISHOU_RESULT } from './wire.js';

/** `result` other than 1 is an error; an answer without `result` is not Kuaishou's. Kuaishou documents no busy result. */
export const KUAISHOU_DIALECT: PlatformDialect = {
  name: 'Kuaishou',
  errorOf(body) {
    if (body.result === KUAISHOU_RESULT.OK) return undefined;
    return { code: String(body.result ?? 'missing'), message: String(body.error_msg ?? '') };
  },
  isBusy: () => false,
};

/** code2session: a ks.login code → open_id and session_key. */
export async function kuaishouCode2Session(transport: PlatformTransport, app: AppCredentials, code: string): Promise<PlatformSession> {
  const body = await callPlatform(transport, KUAISHOU_DIALECT, {
    ...KUAISHOU_CODE2SESSION,
    method: 'POST',
    params: { app_id: app.appid, app_secret: app.secret, js_code: code },
    publicParams: ['app_id'],
  });
  const subject = stringField(body, 'open_id');
  const sessionKey = stringField(body, 'session_key');
  if (subject === undefined || sessionKey === undefined) {
    throw new PlatformTransportError('Kuaishou', KUAISHOU_CODE2SESSION.api, 'bad_response', 'answer lacks open_id or session_key');
  }
  return { subject, sessionKey };
}
