/** Load through autocannon, reduced to the figures the report prints. */
import autocannon from 'autocannon';

export interface LoadShape {
  url: string;
  connections: number;
  durationSeconds: number;
  method?: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  /**
   * Called for every request: a fresh login code, the next user's token. `stop` ends the run early; `context` is
   * the connection's own, kept across its requests.
   */
  setup?: (request: autocannon.Request, stop: () => void, context?: object) => autocannon.Request;
  /** Called with every answer, and the same connection's context. */
  onResponse?: (status: number, body: string, context: object) => void;
}

export interface LoadFigures {
  /** 2xx answers per second: failed requests are not throughput. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers that were not 2xx, plus connection errors and timeouts. */
  failures: number;
  requests: number;
  /** Requests answered within the run: those still in flight at its end count in no figure. */
  answered: number;
  /** How long the run lasted: less than asked when it was stopped early. */
  seconds: number;
}

export async function runLoad(shape: LoadShape): Promise<LoadFigures> {
  const { setup } = shape;
  // Assigned once autocannon returns; a setup that stops the run before that has nothing to stop yet.
  let instance: { stop(): void } | undefined;
  const stop = (): void => instance?.stop();
  const running = autocannon({
    url: shape.url,
    connections: shape.connections,
    duration: shape.durationSeconds,
    requests: [
      {
        method: shape.method ?? 'GET',
        path: shape.path,
        headers: shape.headers ?? {},
        ...(setup === undefined ? {} : { setupRequest: (request: autocannon.Request, context: object) => setup(request, stop, context) }),
        ...(shape.onResponse === undefined ? {} : { onResponse: shape.onResponse }),
      },
    ],
  });
  instance = running as unknown as { stop(): void };
  const result = await running;
  return {
    rps: result['2xx'] / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failures: result.non2xx + result.errors,
    requests: result.requests.sent,
    seconds: result.duration,
    answered: result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'],
  };
}
