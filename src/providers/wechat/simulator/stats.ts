/** Calls received per WeChat API, faulted ones included: lets tests assert caching and retry behaviour. */
import { WECHAT_APIS, type WechatApi } from '../api/wire.js';

export class CallStats {
  readonly #calls = new Map<WechatApi, number>();

  record(api: WechatApi): void {
    this.#calls.set(api, (this.#calls.get(api) ?? 0) + 1);
  }

  snapshot(): { calls: Record<WechatApi, number> } {
    const calls = Object.fromEntries(WECHAT_APIS.map((api) => [api, this.#calls.get(api) ?? 0]));
    return { calls: calls as Record<WechatApi, number> };
  }
}
