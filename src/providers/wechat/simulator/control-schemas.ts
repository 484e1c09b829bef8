/**
 * JSON schemas of the control API bodies. Formats mirror WeChat's (openid alphabet, 16-byte base64 session_key)
 * so a fixture that passes here also looks real to the code under test.
 */
import { WECHAT_APIS } from '../api/wire.js';

const appid = { type: 'string', minLength: 1, maxLength: 64 } as const;
const userId = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,128}$' } as const;

export function objectSchema(properties: Record<string, object>, required: string[] = []): object {
  return { type: 'object', properties, required, additionalProperties: false };
}

export const mintCodeBody = objectSchema({
  appid,
  openid: userId,
  unionid: userId,
  sessionKey: { type: 'string', pattern: '^[A-Za-z0-9+/]{21}[AQgw]==$' },
});

export const mintPhoneCodeBody = objectSchema(
  {
    appid,
    openid: userId,
    phoneNumber: { type: 'string', pattern: '^[0-9]{4,20}$' },
    countryCode: { type: 'string', pattern: '^[1-9][0-9]{0,3}$' },
  },
  ['phoneNumber'],
);

export const encryptBody = objectSchema({ appid, openid: userId, data: { type: 'object' } }, ['openid', 'data']);

export const faultBody = objectSchema(
  {
    api: { type: 'string', enum: [...WECHAT_APIS] },
    errcode: { type: 'integer', not: { const: 0 } },
    errmsg: { type: 'string', maxLength: 10_000 },
    delayMs: { type: 'integer', minimum: 0, maximum: 600_000 },
    times: { type: 'integer', minimum: 1, maximum: 10_000 },
    body: { type: 'string', maxLength: 1_000_000 },
    // Printable ASCII only: anything else would make Node refuse the header.
    contentType: { type: 'string', pattern: '^[!-~][ -~]{0,199}$' },
  },
  ['api'],
);

export const clockBody = objectSchema({ advanceSeconds: { type: 'integer', minimum: 0, maximum: 10 * 366 * 86400 } }, ['advanceSeconds']);
