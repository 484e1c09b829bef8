/**
 * Baidu smart programs' wire format (jscode2sessionkey), shared by the client (client.ts) and the simulator.
 * Facts and their sources: docs/providers/baidu.md.
 */

/** POST, application/x-www-form-urlencoded: code (swan.getLoginCode / swan.login), client_id (AppKey), sk (AppSecret). */
export const BAIDU_CODE2SESSION = { api: 'jscode2sessionkey', path: '/oauth/jscode2sessionkey' } as const;

export const BAIDU_API_BASE = 'https://spapi.baidu.com';

/** Success: no unionid here (Baidu gives it only through getunionid with an access token). */
export interface BaiduSessionResponse {
  openid: string;
  session_key: string;
}

/** Baidu's OAuth error body. */
export interface BaiduErrorResponse {
  error: string;
  error_description: string;
}

/** The OAuth 2.0 error strings Baidu's authorisation server answers. */
export const BAIDU_ERROR = {
  INVALID_REQUEST: 'invalid_request',
  INVALID_CLIENT: 'invalid_client',
  /** A code that is unknown, expired, of another app or already used: OAuth has one error for all. */
  INVALID_GRANT: 'invalid_grant',
  TEMPORARILY_UNAVAILABLE: 'temporarily_unavailable',
} as const;
