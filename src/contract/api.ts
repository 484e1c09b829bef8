import type { ErrorCode, ErrorDetails } from './errors/index.js';

/**
 * The HTTP API as the mini program SDK and users' backends see it. The server's JSON schemas (src/http/schemas.ts)
 * are checked against these types when it compiles (test/contract/contract.test.ts).
 */

/** `POST /api/auth/login`. */
export interface LoginRequest {
  /**
   * The platform's one-time login code (wx/tt/qq/ks.login's `code`, my.getAuthCode's `authCode`,
   * swan.getLoginCode's `code`); absent only for a Douyin guest, who sends `anonymousCode` alone.
   */
  code?: string;
  /** Douyin's tt.login `anonymousCode`: with `code` it lets a guest's account pass to the logged-in user. */
  anonymousCode?: string;
  /** The provider's app (for WeChat the appid); the provider's first configured app when absent. */
  appid?: string;
  /** The identity provider; the WeChat mini program when absent. */
  provider?: string;
}

/** `POST /api/auth/refresh`: the refresh token is spent, a new one comes back. */
export interface RefreshRequest {
  refreshToken: string;
}

/** `POST /api/auth/login` and `/refresh` answer this. */
export interface TokenResponse {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  /** The access token's lifetime, seconds. */
  expiresIn: number;
  user: User;
  isNewUser: boolean;
}

/** The user as they see themselves (`GET /api/me`, the token responses): no openids, unionid or session keys. */
export interface User {
  id: string;
  nickname: string | null;
  avatarUrl: string | null;
  phoneBound: boolean;
  /** A guest, known only by their device (a Douyin user not logged in to Douyin), until they log in. */
  guest: boolean;
  /** The user's own bound phone; nobody else sees it. */
  phone: PhoneNumber | null;
  /** ISO 8601. */
  createdAt: string;
  updatedAt: string;
}

/** A phone number as the platform reports it; `POST /api/me/phone` answers it. */
export interface PhoneNumber {
  phoneNumber: string;
  purePhoneNumber: string;
  countryCode: string;
}

/**
 * `POST /api/me/phone`: the phone button's code (WeChat, Douyin), legacy encryptedData and iv (WeChat, Douyin, QQ,
 * Baidu, Kuaishou), or Alipay's my.getPhoneNumber `response` string, verbatim.
 */
export type PhoneRequest = { code: string } | { encryptedData: string; iv: string } | { response: string };

/** `POST /api/me/decrypt` (and `/api/wechat/decrypt`): the platform's encryptedData and iv. */
export interface DecryptRequest {
  encryptedData: string;
  iv: string;
}

/** `POST /api/auth/introspect`, sent by backends with their INTROSPECTION_CLIENTS credentials. */
export interface IntrospectionRequest {
  token: string;
}

/** RFC 7662 style: whether the token's session is live, and then its claims. */
export type IntrospectionResponse = { active: false } | { active: true; sub: string; sid: string; aud: string; idp: string; exp: number };

/** Every error answer: a stable code to branch on, a message for people, the request id to find the server's logs. */
export interface ErrorBody<Code extends string = ErrorCode> {
  error: { code: Code; message: string; requestId?: string; details?: ErrorDetails };
}
