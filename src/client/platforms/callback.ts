import { type Platform, platformFailure } from '../platform.js';
import { type MiniProgramRequestOption, type MiniProgramResponse, response, type SyncStorageApi, syncStorage } from './shared.js';

interface FailResult {
  errMsg: string;
}

/**
 * The callback style that `wx` and `uni` share (uni without callbacks returns a promise whose shape differs
 * between its Vue 2 and Vue 3 builds, so callbacks are the stable choice). Method shorthand keeps the parameter
 * checks bivariant, so `wx` from miniprogram-api-typings is assignable as it is.
 */
export interface CallbackMiniProgramApi extends SyncStorageApi {
  request(option: MiniProgramRequestOption & { success?(result: MiniProgramResponse): void; fail?(error: FailResult): void }): unknown;
  login(option: { provider?: string; success?(result: { code: string }): void; fail?(error: FailResult): void }): unknown;
}

/** `wx` (or any object with its callback shape) as a Platform. */
export function wxPlatform(api: CallbackMiniProgramApi, loginOptions: { provider?: string } = {}): Platform {
  return {
    send: (request) =>
      new Promise((resolve, reject) => {
        api.request({
          ...request,
          dataType: 'json',
          success: (result) => resolve(response(result)),
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
    ...syncStorage(api),
  };
}

/** uni-app's `uni`: the wx shape, logging in through WeChat. */
export function uniPlatform(api: CallbackMiniProgramApi): Platform {
  return wxPlatform(api, { provider: 'weixin' });
}
