/** Injected failures, queued per simulated API and consumed first in, first out: one per call. */
export class FaultQueue<Api extends string, Fault> {
  readonly #queues = new Map<Api, { fault: Fault; remaining: number }[]>();

  add(api: Api, fault: Fault, times: number): void {
    const queue = this.#queues.get(api) ?? [];
    queue.push({ fault, remaining: times });
    this.#queues.set(api, queue);
  }

  /** The fault for this call, if any; uses up one of its `times`. */
  take(api: Api): Fault | undefined {
    const queue = this.#queues.get(api);
    const head = queue?.[0];
    if (!queue || !head) return undefined;
    if (--head.remaining === 0) queue.shift();
    return head.fault;
  }
}
