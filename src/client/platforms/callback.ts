import { platformFailure, type HttpMethod, type Platform } from '../platform.js';

interface FailResult {
  errMsg: string;
}

/**
 * The callback style that `wx` and `uni` share (uni without callbacks returns a promise whose shape differs
 * between its Vue 2 and Vue 3 builds, so callbacks are the stable choice). Method shorthand keeps the parameter
 * checks bivariant, so `wx` from miniprogram-api-typings is assignable as it is.
 */
export interface CallbackMiniProgramApi {
  request(option: {
    url: string;
    method?: HttpMethod;
    data?: string | Record<string, unknown> | ArrayBuffer;
    header?: Record<string, string>;
    timeout?: number;
    dataType?: string;
    success?(result: { statusCode: number; data: unknown; header: Record<string, unknown> }): void;
    fail?(error: FailResult): void;
  }): unknown;
  login(option: { provider?: string; success?(result: { code: string }): void; fail?(error: FailResult): void }): unknown;
  getStorageSync(key: string): unknown;
  setStorageSync(key: string, data: unknown): void;
  removeStorageSync(key: string): void;
}

/** `wx` (or any object with its callback shape) as a Platform. */
export function wxPlatform(api: CallbackMiniProgramApi, loginOptions: { provider?: string } = {}): Platform {
  return {
    send: (request) =>
      new Promise((resolve, reject) => {
        api.request({
          ...request,
          // Only the server's JSON is expected; a non-JSON answer (a proxy's HTML page) stays a string.
          dataType: 'json',
          success: (result) => resolve({ statusCode: result.statusCode, data: result.data, header: result.header ?? {} }),
          fail: (error) => reject(platformFailure(error)),
        });
      }),
    login: () =>
      new Promise((resolve, reject) => {
        api.login({
          ...loginOptions,
          success: (result) => resolve(result.code),
          fail: (error) => reject(platformFailure(error)),
        });
      }),
    getItem: (key) => api.getStorageSync(key),
    setItem: (key, value) => api.setStorageSync(key, value),
    removeItem: (key) => api.removeStorageSync(key),
  };
}

/** uni-app's `uni`: the wx shape, logging in through WeChat. */
export function uniPlatform(api: CallbackMiniProgramApi): Platform {
  return wxPlatform(api, { provider: 'weixin' });
}
