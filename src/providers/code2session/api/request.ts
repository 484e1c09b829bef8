import { fetchAnswer, NoAnswerError, parseJsonObject, retryWhileBusy } from '../../../lib/upstream/http.js';

/**
 * The request path every code→session platform shares (QQ, Baidu, Kuaishou): one call, a timeout, retries with
 * exponential backoff and jitter while the platform says it is busy, and the platform's own error shape recognised
 * by its dialect. Never sees our users; never logs; URLs and bodies (which hold secrets) stay inside.
 */
export interface PlatformTransport {
  /** The platform's API host or a simulator's base, without a trailing slash. */
  baseUrl: string;
  timeoutMs: number;
  /** Extra attempts after a busy answer. */
  retries: number;
  /** Told of every attempt, for metrics and debug logs: the API's name, its outcome and how long it took. */
  observe?: (call: { api: string; outcome: string; durationMs: number }) => void;
}

/** How one platform answers errors and which of them are worth another attempt. */
export interface PlatformDialect {
  /** The platform's name in messages: 'QQ', 'Baidu', 'Kuaishou'. */
  name: string;
  /** The error in an answer body, or undefined when the body is a success. */
  errorOf(body: Record<string, unknown>): { code: string; message: string } | undefined;
  /** Errors the platform documents as transient. */
  isBusy(code: string): boolean;
}

export interface PlatformRequest {
  /** The API's name, for faults, metrics and messages (e.g. 'jscode2session'). */
  api: string;
  path: string;
  /** GET sends `params` as the query; POST as an application/x-www-form-urlencoded body. */
  method: 'GET' | 'POST';
  params: Record<string, string>;
  /** Parameters that are no secret and may stay in a quoted error message. */
  publicParams?: readonly string[];
}

/** The platform answered with an error of its own. */
export class PlatformApiError extends Error {
  override readonly name = 'PlatformApiError';
  constructor(
    readonly platform: string,
    readonly api: string,
    /** The platform's error number or string, as text. */
    readonly code: string,
    readonly detail: string,
  ) {
    super(`${platform} ${api} failed with ${code}: ${detail}`);
  }
}

/** No answer in time, no connection, a server error page, or an answer that is not the platform's JSON. */
export type PlatformTransportFailure = 'timeout' | 'network' | 'server_error' | 'bad_response';

export class PlatformTransportError extends Error {
  override readonly name = 'PlatformTransportError';
  constructor(
    readonly platform: string,
    readonly api: string,
    readonly failure: PlatformTransportFailure,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(`${platform} ${api}: ${message}`, options);
  }
}

/** One logical call: retried while the platform is busy (or its front answers 5xx without JSON), up to `retries`. */
export async function callPlatform(
  transport: PlatformTransport,
  dialect: PlatformDialect,
  request: PlatformRequest,
): Promise<Record<string, unknown>> {
  const busy = (error: unknown): boolean =>
    (error instanceof PlatformApiError && dialect.isBusy(error.code)) ||
    (error instanceof PlatformTransportError && error.failure === 'server_error');
  return retryWhileBusy(transport.retries, busy, () => callOnce(transport, dialect, request));
}

async function callOnce(
  transport: PlatformTransport,
  dialect: PlatformDialect,
  request: PlatformRequest,
): Promise<Record<string, unknown>> {
  const started = performance.now();
  const report = (outcome: string): void => transport.observe?.({ api: request.api, outcome, durationMs: performance.now() - started });
  const fail = (failure: PlatformTransportFailure, message: string, cause?: unknown): PlatformTransportError => {
    report(failure === 'network' ? 'unreachable' : failure === 'timeout' ? 'timeout' : 'bad_answer');
    return new PlatformTransportError(dialect.name, request.api, failure, message, { cause });
  };

  const get = request.method === 'GET';
  let answer: { status: number; text: string };
  try {
    const query = get ? `?${new URLSearchParams(request.params)}` : '';
    answer = await fetchAnswer(
      `${transport.baseUrl}${request.path}${query}`,
      { method: request.method, headers: {}, ...(get ? {} : { form: request.params }) },
      transport.timeoutMs,
    );
  } catch (error) {
    if (!(error instanceof NoAnswerError)) throw error;
    throw fail(error.failure, error.message, error.cause);
  }
  const { status, text } = answer;

  const body = parseJsonObject(text);
  if (body === undefined) {
    if (status >= 500) throw fail('server_error', `answered HTTP ${status} without a JSON body`);
    throw fail('bad_response', `answer (HTTP ${status}) is not a JSON object`);
  }
  const error = dialect.errorOf(body);
  if (error !== undefined) {
    report(error.code);
    throw new PlatformApiError(dialect.name, request.api, error.code, withoutSentValues(error.message, request));
  }
  if (status >= 400) throw fail('bad_response', `answered HTTP ${status} without an error of its own`);
  report('ok');
  return body;
}

/** A platform's message may quote the request (a secret, a code): whatever of ours it quotes is masked here. */
function withoutSentValues(message: string, request: PlatformRequest): string {
  let text = message;
  for (const [name, value] of Object.entries(request.params)) {
    if (!request.publicParams?.includes(name) && value.length >= 4) text = text.replaceAll(value, '***');
  }
  return text;
}

/** A non-empty string field of an answer, or undefined. */
export function stringField(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The subject, session_key and union key (when the platform names one) of a code→session answer; a bad answer otherwise. */
export function sessionOf(
  body: Record<string, unknown>,
  where: { platform: string; api: string },
  fields: { subject: string; union?: string },
): { subject: string; sessionKey: string; unionKey?: string } {
  const subject = stringField(body, fields.subject);
  const sessionKey = stringField(body, 'session_key');
  if (subject === undefined || sessionKey === undefined) {
    throw new PlatformTransportError(where.platform, where.api, 'bad_response', `answer lacks ${fields.subject} or session_key`);
  }
  const unionKey = fields.union === undefined ? undefined : stringField(body, fields.union);
  return { subject, sessionKey, ...(unionKey === undefined ? {} : { unionKey }) };
}
