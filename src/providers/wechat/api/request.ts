import { fetchText, NoAnswerError, parseJsonObject, retryWhileBusy } from '../../../lib/upstream/http.js';
import { WechatApiError, WechatTransportError } from './errors.js';
import { ERRCODE, WECHAT_PATHS, type WechatApiName } from './wire.js';

export interface WechatTransport {
  /** WeChat's host or a simulator's base, without a trailing slash. */
  baseUrl: string;
  timeoutMs: number;
  /** Extra attempts after `-1` (system busy). */
  retries: number;
  /** Told of every attempt, for logs and metrics; it never sees URLs or bodies, which hold secrets. */
  observe?: (event: WechatCallEvent) => void;
}

export interface WechatCallEvent {
  api: WechatApiName;
  attempt: number;
  durationMs: number;
  /** 0 on success, WeChat's errcode on an error answer, undefined when no WeChat answer came. */
  errcode: number | undefined;
  rid: string | undefined;
  failure: WechatTransportError['failure'] | undefined;
}

export interface WechatCall {
  api: WechatApiName;
  query: Record<string, string>;
  /** Sent as JSON with POST; GET when absent. */
  body?: unknown;
}

/**
 * One logical WeChat call: retried with exponential backoff and jitter on `-1` only (the one answer WeChat
 * documents as transient), parsed from text because jscode2session answers JSON labelled text/plain.
 */
export async function callWechat(transport: WechatTransport, call: WechatCall): Promise<Record<string, unknown>> {
  const busy = (error: unknown): boolean => error instanceof WechatApiError && error.errcode === ERRCODE.SYSTEM_BUSY;
  return retryWhileBusy(transport.retries, busy, (attempt) => callOnce(transport, call, attempt));
}

async function callOnce(transport: WechatTransport, call: WechatCall, attempt: number): Promise<Record<string, unknown>> {
  const started = performance.now();
  const report = (errcode: number | undefined, rid: string | undefined, failure?: WechatTransportError['failure']): void =>
    transport.observe?.({ api: call.api, attempt, durationMs: performance.now() - started, errcode, rid, failure });

  const url = `${transport.baseUrl}${WECHAT_PATHS[call.api]}?${new URLSearchParams(call.query).toString()}`;
  let text: string;
  try {
    text = await fetchText(url, { method: call.body === undefined ? 'GET' : 'POST', headers: {}, body: call.body }, transport.timeoutMs);
  } catch (cause) {
    if (!(cause instanceof NoAnswerError)) throw cause;
    report(undefined, undefined, cause.failure);
    throw new WechatTransportError(call.api, cause.failure, cause.message, { cause: cause.cause });
  }

  const parsed = parseJsonObject(text);
  if (parsed === undefined) {
    report(undefined, undefined, 'bad_response');
    throw new WechatTransportError(call.api, 'bad_response', 'answer is not a JSON object');
  }
  const errcode = parsed.errcode;
  if (errcode !== undefined && errcode !== 0) {
    const error = new WechatApiError(call.api, Number(errcode), withoutSentValues(String(parsed.errmsg ?? ''), call));
    report(error.errcode, error.rid);
    throw error;
  }
  report(0, undefined);
  return parsed;
}

/** Sent values that are no secret and make an errmsg easier to act on ("invalid appid hint: [...]"). */
const PUBLIC_FIELDS: ReadonlySet<string> = new Set(['appid', 'grant_type', 'sig_method']);

/**
 * WeChat's errmsg may quote the request (an AppSecret, a code, an access token): whatever of ours it quotes is
 * masked here, before the text can reach an error message and from there a log line.
 */
function withoutSentValues(errmsg: string, call: WechatCall): string {
  const body = typeof call.body === 'object' && call.body !== null ? Object.entries(call.body) : [];
  let text = errmsg;
  for (const [name, value] of [...Object.entries(call.query), ...body]) {
    if (!PUBLIC_FIELDS.has(name) && typeof value === 'string' && value.length >= 4) text = text.replaceAll(value, '***');
  }
  return text;
}
