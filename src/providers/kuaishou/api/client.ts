import { callPlatform, type PlatformDialect, type PlatformTransport, sessionOf } from '../../code2session/api/request.js';
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
  return sessionOf(body, { platform: KUAISHOU_DIALECT.name, api: KUAISHOU_CODE2SESSION.api }, { subject: 'open_id' });
}
