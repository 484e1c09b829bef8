/**
 * The simulator's "now": real time plus an offset that only moves forward. Every expiry (codes, tokens, overlaps,
 * force_refresh spacing and daily quota) reads this clock, so tests can jump hours ahead over HTTP.
 */
export class SimClock {
  #offsetMs = 0;

  nowMs(): number {
    return Date.now() + this.#offsetMs;
  }

  /** Unix seconds, the unit WeChat uses in watermarks and rids. */
  nowSeconds(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  advance(seconds: number): void {
    this.#offsetMs += seconds * 1000;
  }
}
