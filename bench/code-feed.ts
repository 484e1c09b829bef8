/** Fresh wx.login codes for a login load: each request takes the next one, since a code works once. */
import type autocannon from 'autocannon';
import { mintCodes } from './simulator-control.js';

/** Sent by the few requests already on their way when the codes ran out: they fail (400) and the run is flagged. */
const EXHAUSTED = 'code-supply-exhausted';

export class CodeFeed {
  #next = 0;
  /** Requests that found no code left. */
  shortfall = 0;

  private constructor(private readonly codes: string[]) {}

  /** Codes for new users, or for returning ones when `openids` are given. */
  static async mint(simulatorUrl: string, count: number, openids?: readonly string[]): Promise<CodeFeed> {
    return new CodeFeed(await mintCodes(simulatorUrl, count, openids));
  }

  get size(): number {
    return this.codes.length;
  }

  /** autocannon's setupRequest: the body carries the next code; out of codes, the run stops (early, but valid). */
  readonly setup = (request: autocannon.Request, stop: () => void): autocannon.Request => {
    const code = this.codes[this.#next++];
    if (code === undefined) {
      this.shortfall += 1;
      stop();
    }
    request.body = JSON.stringify({ code: code ?? EXHAUSTED });
    return request;
  };
}
