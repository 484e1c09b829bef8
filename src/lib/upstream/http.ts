import { setTimeout as sleep } from 'node:timers/promises';

/** Why a platform's answer did not arrive: no answer in time, or no connection at all. */
export type NoAnswer = 'timeout' | 'network';

/** The request got no HTTP answer; `failure` says which way, `cause` holds fetch's error. */
export class NoAnswerError extends Error {
  override readonly name = 'NoAnswerError';
  constructor(
    readonly failure: NoAnswer,
    timeoutMs: number,
    options: { cause: unknown },
  ) {
    super(failure === 'timeout' ? `no answer within ${timeoutMs} ms` : 'unreachable', options);
  }
}

export interface UpstreamRequest {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  /** Sent as JSON; none for GET. */
  body?: unknown;
  /** Sent as an application/x-www-form-urlencoded body instead (QQ, Baidu, Kuaishou); not with `body`. */
  form?: Readonly<Record<string, string>> | URLSearchParams;
}

/** One HTTP exchange with a platform, read as text (some platforms label JSON text/plain). Throws NoAnswerError. */
export async function fetchText(url: string, request: UpstreamRequest, timeoutMs: number): Promise<string> {
  return (await fetchAnswer(url, request, timeoutMs)).text;
}

export interface UpstreamAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * fetchText with the HTTP status and headers, for platforms whose front answers 5xx pages when busy or whose headers
 * matter (Alipay's trace_id). Throws NoAnswerError.
 */
export async function fetchAnswer(url: string | URL, request: UpstreamRequest, timeoutMs: number): Promise<UpstreamAnswer> {
  try {
    const response = await fetch(url, {
      method: request.method,
      headers: { ...request.headers, ...contentType(request) },
      body:
        request.form !== undefined
          ? new URLSearchParams(request.form).toString()
          : request.body === undefined
            ? null
            : JSON.stringify(request.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  } catch (cause) {
    const timedOut = cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError');
    throw new NoAnswerError(timedOut ? 'timeout' : 'network', timeoutMs, { cause });
  }
}

function contentType(request: UpstreamRequest): Record<string, string> {
  if (request.form !== undefined) return { 'content-type': 'application/x-www-form-urlencoded' };
  return request.body === undefined ? {} : { 'content-type': 'application/json' };
}

/** The JSON object in `text`; undefined when it is anything else (an HTML error page, an array, broken JSON). */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const BACKOFF_BASE_MS = 100;

/**
 * Runs `attempt` (numbered from 1) and again after an answer `isBusy` calls transient, up to `retries` more times,
 * with exponential backoff and jitter so that a fleet does not retry in step.
 */
export async function retryWhileBusy<T>(
  retries: number,
  isBusy: (error: unknown) => boolean,
  attempt: (n: number) => Promise<T>,
): Promise<T> {
  for (let n = 1; ; n += 1) {
    try {
      return await attempt(n);
    } catch (error) {
      if (!isBusy(error) || n > retries) throw error;
      const delay = BACKOFF_BASE_MS * 2 ** (n - 1);
      await sleep(delay / 2 + Math.random() * delay);
    }
  }
}
