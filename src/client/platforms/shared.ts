import type { HttpMethod, Platform } from '../platform.js';

/** The request options wx, uni and Taro have in common (each adds its own callbacks or promise). */
export interface MiniProgramRequestOption {
  url: string;
  method?: HttpMethod;
  data?: string | Record<string, unknown> | ArrayBuffer;
  header?: Record<string, string>;
  timeout?: number;
  dataType?: string;
}

export interface MiniProgramResponse {
  statusCode: number;
  data: unknown;
  header: Record<string, unknown>;
}

/** Synchronous storage, the same in wx, uni and Taro. */
export interface SyncStorageApi {
  getStorageSync(key: string): unknown;
  setStorageSync(key: string, data: unknown): void;
  removeStorageSync(key: string): void;
}

export function syncStorage(api: SyncStorageApi): Pick<Platform, 'getItem' | 'setItem' | 'removeItem'> {
  return {
    getItem: (key) => api.getStorageSync(key),
    setItem: (key, value) => api.setStorageSync(key, value),
    removeItem: (key) => api.removeStorageSync(key),
  };
}

/** Only the server's JSON is expected; a body that is not JSON (a proxy's HTML page) stays a string. */
export function response(result: MiniProgramResponse): MiniProgramResponse {
  return { statusCode: result.statusCode, data: result.data, header: result.header ?? {} };
}
