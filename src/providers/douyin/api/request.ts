import { fetchText, NoAnswerError, parseJsonObject, retryWhileBusy } from '../../../lib/upstream/http.js';
import { DouyinApiError, DouyinTransportError } from './errors.js';
import { DOUYIN_HOSTS, DOUYIN_PATHS, type DouyinApiName, ERR_NO } from './wire.js';

export interface DouyinTransport {
  /** One base for every API (a simulator, a proxy), without a trailing slash; Douyin's own hosts when undefined. */
  baseUrl: string | undefined;
  timeoutMs: number;
  /** Extra attempts after a busy answer (-1, 28001005). */
  retries: number;
  /** Told of every attempt, for logs and metrics; it never sees bodies or headers, which hold secrets. */
  observe?: (event: DouyinCallEvent) => void;
}

export interface DouyinCallEvent {
  api: DouyinApiName;
  attempt: number;
  durationMs: number;
  /** 0 on success, Douyin's err_no on an error answer, undefined when no Douyin answer came. */
  errNo: number | undefined;
  logId: string | undefined;
  failure: DouyinTransportError['failure'] | undefined;
}

export interface DouyinCall {
  api: DouyinApiName;
  body: object;
  headers?: Record<string, string>;
}

/** Douyin's answers that mean "busy, try again": the one each host documents. */
const BUSY: ReadonlySet<number> = new Set([ERR_NO.SYSTEM_BUSY, ERR_NO.PLATFORM_BUSY]);

/**
 * One logical Douyin call: POST with a JSON body, retried with backoff and jitter on a busy answer only. Returns the
 * answer's `data` (an object, or the phone API's ciphertext string).
 */
export async function callDouyin(transport: DouyinTransport, call: DouyinCall): Promise<unknown> {
  const busy = (error: unknown): boolean => error instanceof DouyinApiError && BUSY.has(error.errNo);
  return retryWhileBusy(transport.retries, busy, (attempt) => callOnce(transport, call, attempt));
}

async function callOnce(transport: DouyinTransport, call: DouyinCall, attempt: number): Promise<unknown> {
  const started = performance.now();
  const report = (errNo: number | undefined, logId: string | undefined, failure?: DouyinTransportError['failure']): void =>
    transport.observe?.({ api: call.api, attempt, durationMs: performance.now() - started, errNo, logId, failure });

  const url = `${transport.baseUrl ?? DOUYIN_HOSTS[call.api]}${DOUYIN_PATHS[call.api]}`;
  let text: string;
  try {
    text = await fetchText(url, { method: 'POST', headers: call.headers ?? {}, body: call.body }, transport.timeoutMs);
  } catch (cause) {
    if (!(cause instanceof NoAnswerError)) throw cause;
    report(undefined, undefined, cause.failure);
    throw new DouyinTransportError(call.api, cause.failure, cause.message, { cause: cause.cause });
  }
  const answer = parseJsonObject(text);
  const errNo = answer?.err_no;
  if (answer === undefined || typeof errNo !== 'number') {
    report(undefined, undefined, 'bad_response');
    throw new DouyinTransportError(call.api, 'bad_response', 'answer is not a Douyin JSON answer');
  }
  const logId = typeof answer.log_id === 'string' && answer.log_id !== '' ? answer.log_id : undefined;
  if (errNo !== ERR_NO.OK) {
    const tips = typeof answer.err_tips === 'string' ? answer.err_tips : typeof answer.err_msg === 'string' ? answer.err_msg : '';
    report(errNo, logId);
    throw new DouyinApiError(call.api, errNo, tips, logId);
  }
  report(0, logId);
  return answer.data;
}
