/**
 * weapp-auth client SDK for mini programs: no Node APIs, bundled to one CommonJS file for the mini program runtime.
 * Works with `wx`, uni-app's `uni` and `Taro`.
 */
export { type AuthClient, type AuthClientOptions, createAuthClient, type RequestOptions } from './client.js';
export { AuthClientError, type AuthErrorCode, type ClientErrorCode, type ErrorCode } from './errors.js';
export type { PhoneButtonDetail } from './phone.js';
export type { HttpMethod, Platform, PlatformRequest, PlatformResponse } from './platform.js';
export { PlatformFailure } from './platform.js';
export { type CallbackMiniProgramApi, uniPlatform, wxPlatform } from './platforms/callback.js';
export { type PromiseMiniProgramApi, taroPlatform } from './platforms/taro.js';
export type { LoginResult, PhoneNumber, TokenResponse, User } from './types.js';
