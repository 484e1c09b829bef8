/**
 * At most `max` tasks run at once; the rest wait in order. wx.request allows 10 concurrent requests (uploads and
 * downloads included) and fails the eleventh, so every call the SDK makes goes through one of these.
 * Urgent tasks (login, refresh) jump the line: the requests waiting behind them need their result anyway.
 */
export class Limiter {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly max: number) {}

  async run<T>(task: () => Promise<T>, urgent = false): Promise<T> {
    if (this.running >= this.max) {
      await new Promise<void>((start) => (urgent ? this.waiting.unshift(start) : this.waiting.push(start)));
    } else {
      this.running += 1;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next task, so a newcomer cannot overtake it.
      if (next === undefined) this.running -= 1;
      else next();
    }
  }
}
