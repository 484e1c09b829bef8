/**
 * QQ mini programs' wire format: code2Session is WeChat's to the letter (same path, query, answer and errcode
 * shape), served from api.q.qq.com. Shared by the client (client.ts) and the simulator; facts: docs/providers/qq.md.
 */
export type { Code2SessionResponse, WireError } from '../../wechat/api/wire.js';

/** GET, query appid, secret, js_code, grant_type=authorization_code. */
export const QQ_CODE2SESSION = { api: 'jscode2session', path: '/sns/jscode2session' } as const;

export const QQ_API_BASE = 'https://api.q.qq.com';

/** QQ errcodes we act on: -1, 40029 and 45011 are documented for code2Session; the rest follow WeChat's table. */
export const QQ_ERRCODE = {
  SYSTEM_BUSY: -1,
  INVALID_APPID: 40013,
  INVALID_CODE: 40029,
  INVALID_APPSECRET: 40125,
  CODE_BEEN_USED: 40163,
  MINUTE_QUOTA: 45011,
  APPID_MISSING: 41002,
  APPSECRET_MISSING: 41004,
  CODE_MISSING: 41008,
} as const;
