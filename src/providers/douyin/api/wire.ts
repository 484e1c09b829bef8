/**
 * Douyin's wire format: the request and response shapes of the mini program server APIs we speak, as Douyin sends
 * them. Shared by DouyinApi (douyin-api.ts) and the simulator (../simulator/); nothing else lives here.
 * Facts and their sources: docs/providers/douyin.md.
 */

/** The APIs the simulator serves and DouyinApi calls, by the names the fault and stats control API use. */
export const DOUYIN_APIS = ['jscode2session', 'token', 'get_phonenumber_info'] as const;
export type DouyinApiName = (typeof DOUYIN_APIS)[number];

/** Douyin's two hosts: login and app tokens live on developer.toutiao.com, the phone API on open.douyin.com. */
export const DOUYIN_HOSTS: Readonly<Record<DouyinApiName, string>> = {
  jscode2session: 'https://developer.toutiao.com',
  token: 'https://developer.toutiao.com',
  get_phonenumber_info: 'https://open.douyin.com',
};

/** Paths of those APIs, relative to their host (or to one simulator's base, which serves them all). All are POST + JSON. */
export const DOUYIN_PATHS: Readonly<Record<DouyinApiName, string>> = {
  jscode2session: '/api/apps/v2/jscode2session',
  token: '/api/apps/v2/token',
  get_phonenumber_info: '/api/apps/v1/get_phonenumber_info/',
};

/** Every answer: err_no 0 on success; log_id names the request for Douyin's support. */
export interface WireAnswer<Data> {
  err_no: number;
  err_tips: string;
  log_id?: string;
  data: Data;
}

/** POST /api/apps/v2/jscode2session body: code and anonymous_code, at least one of them. */
export interface Code2SessionRequest {
  appid: string;
  secret: string;
  code?: string;
  anonymous_code?: string;
}

/**
 * Its `data`: session_key, openid and unionid only when a code was sent; anonymous_openid only when an
 * anonymous_code was. Absent values come as empty strings.
 */
export interface Code2SessionData {
  session_key: string;
  openid: string;
  anonymous_openid: string;
  unionid: string;
}

/** POST /api/apps/v2/token body. */
export interface AccessTokenRequest {
  appid: string;
  secret: string;
  grant_type: 'client_credential';
}

export interface AccessTokenData {
  access_token: string;
  expires_in: number;
}

/** POST /api/apps/v1/get_phonenumber_info/ with header `access-token`: `data` is base64 of RSA ciphertext. */
export interface PhoneNumberRequest {
  code: string;
}

/** The phone number, as JSON inside get_phonenumber_info's ciphertext and inside legacy encryptedData. */
export interface PhonePlaintext {
  phoneNumber: string;
  purePhoneNumber: string;
  countryCode: string;
  watermark: Watermark;
}

export interface Watermark {
  appid: string;
  timestamp: number;
}

/** The header carrying the app access token to open.douyin.com APIs. */
export const ACCESS_TOKEN_HEADER = 'access-token';

/** Douyin error numbers we act on, by meaning. */
export const ERR_NO = {
  OK: 0,
  SYSTEM_BUSY: -1,
  BAD_PARAMS: 40014,
  BAD_APPID: 40015,
  BAD_SECRET: 40017,
  BAD_CODE: 40018,
  BAD_ANONYMOUS_CODE: 40019,
  BAD_GRANT_TYPE: 40020,
  /** open.douyin.com's platform-wide codes. */
  PLATFORM_BUSY: 28001005,
  PLATFORM_NETWORK: 28001006,
  PLATFORM_BAD_PARAMS: 28001007,
  ACCESS_TOKEN_EXPIRED: 28001008,
  ACCESS_TOKEN_INVALID: 28001003,
  QUOTA_USED_UP: 28003017,
  TOO_FREQUENT: 28003018,
  /** get_phonenumber_info: the phone code is expired, used or unknown. */
  PHONE_CODE_EXPIRED: 28005187,
} as const;
