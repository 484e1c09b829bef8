import { pino, type DestinationStream, type Logger } from 'pino';
import type { FastifyRequest } from 'fastify';

/** Query parameters that carry secrets on WeChat's (and the mounted simulator's) URLs. */
const SECRET_QUERY_PARAMS = ['secret', 'js_code', 'access_token', 'signature', 'code'];

/**
 * Every field name that could hold a secret, redacted wherever it appears in a log object: defence in depth
 * behind the rule that secrets are never passed to the logger at all.
 */
const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  ...['sessionKey', 'session_key', 'secret', 'refreshToken', 'accessToken', 'access_token', 'privateKey', 'code'].flatMap(
    (field) => [field, `*.${field}`],
  ),
];

export type LogFormat = 'json' | 'pretty';

/**
 * JSON lines with a request id on every line, secrets redacted. `pretty` (development at a terminal) renders
 * the same lines for people through pino-pretty, after redaction; a given destination always gets JSON.
 */
export function createLogger(level: string, destination?: DestinationStream, format: LogFormat = 'json'): Logger {
  const target =
    format === 'pretty' && destination === undefined
      ? pino.transport({ target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } })
      : destination;
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: {
        req: (request: FastifyRequest) => ({ method: request.method, url: maskUrl(request.url), ip: request.ip }),
      },
    },
    target,
  );
}

/** `/sim/sns/jscode2session?appid=wx..&secret=abc` → `...&secret=***`: the path stays readable, secrets do not. */
export function maskUrl(url: string): string {
  const query = url.indexOf('?');
  if (query === -1) return url;
  const params = new URLSearchParams(url.slice(query + 1));
  for (const name of SECRET_QUERY_PARAMS) if (params.has(name)) params.set(name, '***');
  return `${url.slice(0, query)}?${params.toString()}`;
}
