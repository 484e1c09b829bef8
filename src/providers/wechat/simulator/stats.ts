/** Calls received per WeChat API, faulted ones included: lets tests assert caching and retry behaviour. */
import { WECHAT_APIS, type WechatApiName } from '../api/wire.js';

export class CallStats {
  readonly #calls = new Map<WechatApiName, number>();

  record(api: WechatApiName): void {
    this.#calls.set(api, (this.#calls.get(api) ?? 0) + 1);
  }

  snapshot(): { calls: Record<WechatApiName, number> } {
    const calls = Object.fromEntries(WECHAT_APIS.map((api) => [api, this.#calls.get(api) ?? 0]));
    return { calls: calls as Record<WechatApiName, number> };
  }
}
