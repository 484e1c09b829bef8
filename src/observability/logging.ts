import { type DestinationStream, type Logger, pino } from 'pino';

/**
 * Query parameters whose values are logged as they are; every other value is masked. An allow-list, not a list
 * of secret names: a client putting a token under a name nobody foresaw must not get it logged.
 */
const LOGGABLE_QUERY_PARAMS: ReadonlySet<string> = new Set(['appid', 'grant_type', 'sig_method']);

/**
 * Every field name that could hold a secret, redacted wherever it appears in a log object: defence in depth
 * behind the rule that secrets are never passed to the logger at all.
 */
const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  ...['sessionKey', 'session_key', 'secret', 'refreshToken', 'accessToken', 'access_token', 'privateKey', 'code'].flatMap((field) => [
    field,
    `*.${field}`,
  ]),
];

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
      serializers: {
        req: (request: LoggedRequest) => ({ method: request.method, url: maskUrl(request.url), ip: request.ip }),
      },
      ...(mask === undefined ? {} : { hooks: { streamWrite: mask } }),
    },
    target,
  );
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
