import { type DestinationStream, type Logger, pino } from 'pino';

/**
 * Query parameters whose values are logged as they are; every other value is masked. An allow-list, not a list
 * of secret names: a client putting a token under a name nobody foresaw must not get it logged.
 */
const LOGGABLE_QUERY_PARAMS: ReadonlySet<string> = new Set(['appid', 'grant_type', 'sig_method']);

/**
 * Every field name that could hold a secret, redacted wherever it appears in a log object (at the top or one level
 * down): defence in depth behind the rule that secrets are never passed to the logger at all.
 */
const SECRET_FIELDS: ReadonlySet<string> = new Set([
  'sessionKey',
  'session_key',
  'secret',
  'refreshToken',
  'accessToken',
  'access_token',
  'privateKey',
  'code',
]);

/**
 * Request headers that carry credentials. pino's own redaction handles these exact paths cheaply; the field names
 * above are matched by redactSecretFields instead, since a wildcard path makes pino run its redactor over every
 * value of every line and every per-request child logger's bindings (several µs per request).
 */
const REDACT_PATHS = ['req.headers.authorization', 'req.headers.cookie'];
/** Shorter values are not masked by value: no real secret is that short, and masking them would garble every line. */
const MIN_SECRET_LENGTH = 8;
const CENSOR = '[redacted]';

export type LogFormat = 'json' | 'pretty';

/** What a request line logs of the request: any HTTP framework's request object has these. */
interface LoggedRequest {
  method: string;
  url: string;
  ip: string;
}

/**
 * JSON lines with a request id on every line, secrets redacted. `pretty` (development at a terminal) renders
 * the same lines for people through pino-pretty, after redaction; a given destination always gets JSON.
 * `secrets` are the secret values the process holds (configSecrets in server/config.ts): any occurrence of one, in
 * any field of any line, is masked before the line is written, whatever put it there.
 */
export function createLogger(
  level: string,
  destination?: DestinationStream,
  format: LogFormat = 'json',
  secrets: Iterable<string | undefined> = [],
): Logger {
  const target =
    format === 'pretty' && destination === undefined
      ? pino.transport({ target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } })
      : destination;
  const mask = secretMasker(secrets);
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: CENSOR },
      formatters: { log: redactSecretFields },
      serializers: {
        req: (request: LoggedRequest) => ({ method: request.method, url: maskUrl(request.url), ip: request.ip }),
      },
      ...(mask === undefined ? {} : { hooks: { streamWrite: mask } }),
    },
    target,
  );
}

/**
 * The log object with every secret-named field, at its top level and one level down, replaced by the censor. The
 * caller's objects are never changed: what holds a secret is copied first (with its prototype and own properties,
 * so an Error still serializes as one).
 */
export function redactSecretFields(object: Record<string, unknown>): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const key in object) {
    // The request and its reply are written by their serializers (`req` below, pino's `res`: the status code), field
    // by field: nothing else of them reaches the line. Scanned here, the reply's inherited `code()` method made every
    // answered request's line copy the whole reply object.
    if (key === 'req' || key === 'res') continue;
    const value = object[key];
    let redacted: unknown;
    if (SECRET_FIELDS.has(key)) redacted = CENSOR;
    else if (typeof value === 'object' && value !== null && holdsSecretField(value)) redacted = censored(value);
    else continue;
    copy ??= { ...object };
    copy[key] = redacted;
  }
  return copy ?? object;
}

function holdsSecretField(value: object): boolean {
  for (const key in value) if (SECRET_FIELDS.has(key)) return true;
  return false;
}

function censored(value: object): object {
  const descriptors: PropertyDescriptorMap = Object.getOwnPropertyDescriptors(value);
  // Inherited fields too, and getters or read-only fields: each becomes a plain own value.
  for (const key in value)
    if (SECRET_FIELDS.has(key)) descriptors[key] = { value: CENSOR, enumerable: true, writable: true, configurable: true };
  return Object.create(Object.getPrototypeOf(value), descriptors) as object;
}

/**
 * One matcher for every form in which a secret can appear in a JSON log line: as is, JSON-escaped, and
 * URL-encoded (both ways: a path segment and a query value). Undefined when there is nothing to mask.
 */
export function secretMasker(secrets: Iterable<string | undefined>): ((line: string) => string) | undefined {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret === undefined || secret.length < MIN_SECRET_LENGTH) continue;
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
    forms.add(encodeURIComponent(secret));
    forms.add(new URLSearchParams({ s: secret }).toString().slice(2));
  }
  if (forms.size === 0) return undefined;
  // Longest first, so a secret that contains another is masked whole.
  const alternatives = [...forms].sort((a, b) => b.length - a.length).map((form) => form.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(alternatives.join('|'), 'g');
  return (line) => line.replace(pattern, CENSOR);
}

/** `/sim/sns/jscode2session?appid=wx..&secret=abc` → `...&secret=***`: the path stays readable, values do not. */
export function maskUrl(url: string): string {
  const query = url.indexOf('?');
  if (query === -1) return url;
  const params = new URLSearchParams(url.slice(query + 1));
  const masked = new URLSearchParams();
  for (const [name, value] of params) masked.append(name, LOGGABLE_QUERY_PARAMS.has(name) || value === '' ? value : '***');
  return `${url.slice(0, query)}?${masked.toString()}`;
}
