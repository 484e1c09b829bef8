import { platformFailure, type HttpMethod, type Platform } from '../platform.js';

/** Taro's promise style: `Taro.request` resolves for every HTTP status and rejects with `{errMsg}` on failure. */
export interface PromiseMiniProgramApi {
  request(option: {
    url: string;
    method?: HttpMethod;
    data?: string | Record<string, unknown> | ArrayBuffer;
    header?: Record<string, string>;
    timeout?: number;
    dataType?: string;
  }): Promise<{ statusCode: number; data: unknown; header: Record<string, unknown> }>;
  login(option?: Record<string, never>): Promise<{ code: string }>;
  getStorageSync(key: string): unknown;
  setStorageSync(key: string, data: unknown): void;
  removeStorageSync(key: string): void;
}

/** `Taro` as a Platform. */
export function taroPlatform(api: PromiseMiniProgramApi): Platform {
  return {
    send: async (request) => {
      try {
        const result = await api.request({ ...request, dataType: 'json' });
        return { statusCode: result.statusCode, data: result.data, header: result.header ?? {} };
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
    getItem: (key) => api.getStorageSync(key),
    setItem: (key, value) => api.setStorageSync(key, value),
    removeItem: (key) => api.removeStorageSync(key),
  };
}
