/** Calls received per simulated API, faulted ones included: lets tests assert caching and retry behaviour. */
export class CallStats<Api extends string> {
  readonly #calls = new Map<Api, number>();

  constructor(private readonly apis: readonly Api[]) {}

  record(api: Api): void {
    this.#calls.set(api, (this.#calls.get(api) ?? 0) + 1);
  }

  snapshot(): { calls: Record<Api, number> } {
    const calls = Object.fromEntries(this.apis.map((api) => [api, this.#calls.get(api) ?? 0]));
    return { calls: calls as Record<Api, number> };
  }
}
