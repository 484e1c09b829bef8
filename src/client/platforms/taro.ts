import { type Platform, platformFailure } from '../platform.js';
import { type MiniProgramRequestOption, type MiniProgramResponse, response, type SyncStorageApi, syncStorage } from './shared.js';

/** Taro's promise style: `Taro.request` resolves for every HTTP status and rejects with `{errMsg}` on failure. */
export interface PromiseMiniProgramApi extends SyncStorageApi {
  request(option: MiniProgramRequestOption): Promise<MiniProgramResponse>;
  login(option?: Record<string, never>): Promise<{ code: string }>;
}

/** `Taro` as a Platform. */
export function taroPlatform(api: PromiseMiniProgramApi): Platform {
  return {
    send: async (request) => {
      try {
        return response(await api.request({ ...request, dataType: 'json' }));
      } catch (error) {
        throw platformFailure(error);
      }
    },
    login: async () => {
      try {
        return (await api.login()).code;
      } catch (error) {
        throw platformFailure(error);
      }
    },
    ...syncStorage(api),
  };
}
