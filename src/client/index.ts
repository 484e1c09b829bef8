/**
 * weapp-auth client SDK for mini programs: no Node APIs, bundled to one CommonJS file for the mini program runtime.
 * Works with `wx`, uni-app's `uni` and `Taro`.
 */
export { createAuthClient, type AuthClient, type AuthClientOptions, type RequestOptions } from './client.js';
export { AuthClientError, type ClientErrorCode } from './errors.js';
export type { PhoneButtonDetail } from './phone.js';
export type { HttpMethod, Platform, PlatformRequest, PlatformResponse } from './platform.js';
export { PlatformFailure } from './platform.js';
export { uniPlatform, wxPlatform, type CallbackMiniProgramApi } from './platforms/callback.js';
export { taroPlatform, type PromiseMiniProgramApi } from './platforms/taro.js';
export type { LoginResult, PhoneNumber, TokenResponse, User } from './types.js';
