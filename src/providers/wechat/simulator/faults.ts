/** Injected failures, queued per platform API and consumed first in, first out: one per call. */
import type { WechatApiName } from '../api/wire.js';

export interface Fault {
  /** Answer this errcode (HTTP 200, WeChat error body) instead of the normal answer. */
  errcode?: number;
  /** With errcode: this errmsg (a rid is appended) instead of WeChat's usual text, e.g. one quoting the request. */
  errmsg?: string;
  /** Hold the answer this long first; alone, it delays a normal answer. */
  delayMs?: number;
  /** Answer this raw text instead (an HTML error page, broken JSON). */
  body?: string;
  /** Content-Type of `body`. */
  contentType?: string;
}

/** Generic over the platform's API names and fault shape, so every platform's simulator queues its faults alike. */
export class FaultQueue<Api extends string = WechatApiName, F = Fault> {
  readonly #queues = new Map<Api, { fault: F; remaining: number }[]>();

  add(api: Api, fault: F, times: number): void {
    const queue = this.#queues.get(api) ?? [];
    queue.push({ fault, remaining: times });
    this.#queues.set(api, queue);
  }

  /** The fault for this call, if any; uses up one of its `times`. */
  take(api: Api): F | undefined {
    const queue = this.#queues.get(api);
    const head = queue?.[0];
    if (!queue || !head) return undefined;
    if (--head.remaining === 0) queue.shift();
    return head.fault;
  }
}
