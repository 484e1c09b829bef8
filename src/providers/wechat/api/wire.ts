/**
 * WeChat's wire format: the request and response shapes of the server APIs we speak, as WeChat sends them.
 * Shared by WechatApi (wechat-api.ts) and the simulator (../simulator/); nothing else lives here.
 * Facts: ../shared/wechat-api.md.
 */

/** Every WeChat error body. Success bodies of newer APIs carry errcode 0; code2Session's carries none. */
export interface WireError {
  errcode: number;
  errmsg: string;
}

/** The APIs the simulator serves and WechatApi calls, by the names the fault and stats control API use. */
export const WECHAT_APIS = [
  'jscode2session',
  'token',
  'stable_token',
  'getuserphonenumber',
  'checksession',
  'resetusersessionkey',
] as const;
export type WechatApiName = (typeof WECHAT_APIS)[number];

/** Paths of those APIs, relative to the API base (https://api.weixin.qq.com or a simulator's base). */
export const WECHAT_PATHS: Readonly<Record<WechatApiName, string>> = {
  jscode2session: '/sns/jscode2session',
  token: '/cgi-bin/token',
  stable_token: '/cgi-bin/stable_token',
  getuserphonenumber: '/wxa/business/getuserphonenumber',
  checksession: '/wxa/checksession',
  resetusersessionkey: '/wxa/resetusersessionkey',
};

/** GET /sns/jscode2session success: no errcode field at all; unionid only for apps bound to an Open Platform account. */
export interface Code2SessionResponse {
  openid: string;
  session_key: string;
  unionid?: string;
}

/** GET /cgi-bin/token and POST /cgi-bin/stable_token success. */
export interface AccessTokenResponse {
  access_token: string;
  expires_in: number;
}

/** POST /cgi-bin/stable_token body. */
export interface StableTokenRequest {
  grant_type: 'client_credential';
  appid: string;
  secret: string;
  force_refresh?: boolean;
}

/** POST /wxa/business/getuserphonenumber success. countryCode is documented as a string, shown as a number. */
export interface PhoneNumberResponse extends WireError {
  phone_info: {
    phoneNumber: string;
    purePhoneNumber: string;
    countryCode: string | number;
    watermark: { timestamp: number; appid: string };
  };
}

/** GET /wxa/resetusersessionkey success. */
export interface ResetSessionKeyResponse extends WireError {
  openid: string;
  session_key: string;
}

/** The watermark WeChat puts into every encryptedData plaintext. */
export interface Watermark {
  appid: string;
  timestamp: number;
}

/** WeChat error codes we act on, by meaning. */
export const ERRCODE = {
  SYSTEM_BUSY: -1,
  OK: 0,
  INVALID_CREDENTIAL: 40001,
  INVALID_GRANT_TYPE: 40002,
  INVALID_APPID: 40013,
  INVALID_ACCESS_TOKEN: 40014,
  INVALID_CODE: 40029,
  INVALID_SCENE: 40129,
  INVALID_APPSECRET: 40125,
  CODE_BEEN_USED: 40163,
  HIGH_RISK_USER: 40226,
  ACCESS_TOKEN_MISSING: 41001,
  APPID_MISSING: 41002,
  APPSECRET_MISSING: 41004,
  CODE_MISSING: 41008,
  ACCESS_TOKEN_EXPIRED: 42001,
  DAILY_QUOTA: 45009,
  MINUTE_QUOTA: 45011,
  DATA_FORMAT_ERROR: 47001,
  API_UNAUTHORIZED: 48001,
  INVALID_SIG_METHOD: 87008,
  INVALID_SIGNATURE: 87009,
} as const;
