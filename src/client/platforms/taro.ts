import { type LoginOptions, type Platform, platformFailure } from '../platform.js';
import {
  credentialOf,
  type MiniProgramRequestOption,
  type MiniProgramResponse,
  type ProviderId,
  response,
  type SyncStorageApi,
  syncStorage,
} from './shared.js';

/** Taro's promise style: `Taro.request` resolves for every HTTP status and rejects with `{errMsg}` on failure. */
export interface PromiseMiniProgramApi extends SyncStorageApi {
  request(option: MiniProgramRequestOption): Promise<MiniProgramResponse>;
  login(option?: { force?: boolean }): Promise<{ code?: string; authCode?: string; anonymousCode?: string }>;
  /** `Taro.getEnv()`: 'WEAPP', 'TT', 'ALIPAY', 'QQ', 'SWAN', 'KWAI', …; absent or unknown: WeChat. */
  getEnv?(): string;
}

const TARO_ENVS: Readonly<Record<string, ProviderId>> = {
  WEAPP: 'wechat',
  TT: 'douyin',
  ALIPAY: 'alipay',
  QQ: 'qq',
  SWAN: 'baidu',
  KWAI: 'kuaishou',
};

/** The provider id of the platform Taro compiled for. */
export function taroProvider(api: Pick<PromiseMiniProgramApi, 'getEnv'>): string {
  return TARO_ENVS[(api.getEnv?.() ?? '').toUpperCase()] ?? 'wechat';
}

/** `Taro` as a Platform. Taro.login passes the host's answer through (Douyin's anonymousCode, Alipay's authCode). */
export function taroPlatform(api: PromiseMiniProgramApi, provider: string = taroProvider(api)): Platform {
  return {
    provider,
    send: async (request) => {
      try {
        return response(await api.request({ ...request, dataType: 'json' }));
      } catch (error) {
        throw platformFailure(error);
      }
    },
    login: async ({ force }: LoginOptions = {}) => {
      try {
        return credentialOf(await api.login(provider === 'douyin' ? { force: force === true } : {}));
      } catch (error) {
        throw platformFailure(error);
      }
    },
    ...syncStorage(api),
  };
}
