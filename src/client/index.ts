/**
 * weapp-auth client SDK for mini programs: no Node APIs, bundled to one CommonJS file for the mini program runtime.
 * Runs on WeChat (`wx`), Douyin (`tt`), Alipay (`my`), QQ (`qq`), Baidu (`swan`) and Kuaishou (`ks`), directly or
 * through uni-app's `uni` and `Taro`.
 */
export { type AuthClient, type AuthClientOptions, createAuthClient, type RequestOptions } from './client.js';
export { AuthClientError, type AuthErrorCode, type ClientErrorCode, type ErrorCode } from './errors.js';
export type { PhoneButtonEvent } from './phone.js';
export type {
  HttpMethod,
  LoginCredential,
  LoginOptions,
  PhoneButtonDetail,
  Platform,
  PlatformRequest,
  PlatformResponse,
} from './platform.js';
export { PlatformFailure } from './platform.js';
export { type AlipayApi, myPlatform } from './platforms/alipay.js';
export {
  type BaiduApi,
  type CallbackMiniProgramApi,
  type DouyinApi,
  ksPlatform,
  qqPlatform,
  swanPlatform,
  ttPlatform,
  type UniApi,
  uniPlatform,
  uniProvider,
  wxPlatform,
} from './platforms/callback.js';
export { detectPlatform } from './platforms/detect.js';
export type { ProviderId } from './platforms/shared.js';
export { type PromiseMiniProgramApi, taroPlatform, taroProvider } from './platforms/taro.js';
export type { EncryptedPayload, LoginResult, PhoneNumber, TokenResponse, User } from './types.js';
