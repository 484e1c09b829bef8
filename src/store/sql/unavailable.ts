/**
 * True when a database error means "cannot reach or use the database right now" rather than a bug or bad data:
 * outages.ts turns such an error into DATABASE_UNAVAILABLE (503), for the client to retry later. Recognises what each driver
 * throws (Node socket errors, pg, mysql2, better-sqlite3, Kysely after shutdown), looking through `cause` and
 * AggregateError (a connect attempt on several addresses fails with one error per address).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  return matches(error, 0);
}

/** Socket-level failures, as Node reports them for pg and mysql2 alike. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** mysql2's own codes and MySQL/MariaDB server errors that mean the server is gone, full or shutting down. */
const MYSQL_CODES = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR', // 1040 too many connections
  'ER_TOO_MANY_USER_CONNECTIONS', // 1203
  'ER_SERVER_SHUTDOWN', // 1053
  'ER_LOCK_WAIT_TIMEOUT', // 1205
  'ER_CONNECTION_KILLED', // 1927 (MariaDB)
  'ER_CLIENT_INTERACTION_TIMEOUT', // 4031 (MySQL 8: idle connection closed by the server)
]);

/** The same by number, for servers' errors mysql2 has no code name for (MariaDB's 1927 arrives bare). */
const MYSQL_ERRNOS = new Set([1040, 1053, 1203, 1205, 1927, 2006, 2013, 4031]);

/** PostgreSQL SQLSTATEs: class 08 is "connection exception"; the rest are shutdown, start-up and capacity. */
const POSTGRES_STATES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, in recovery)
  '53300', // too_many_connections
  '55P03', // lock_not_available (lock_timeout)
]);

/** Errors that carry only a message: pg's pool and connection, mysql2's closed connections, Kysely after destroy. */
const MESSAGES = [
  /^Connection terminated/, // pg: server went away, or connectionTimeoutMillis while connecting
  /timeout exceeded when trying to connect/, // pg pool: no free connection within connectionTimeoutMillis
  /Client has encountered a connection error and is not queryable/, // pg
  /Cannot use a pool after calling end on the pool/, // pg
  /Can't add new command when connection is in closed state/, // mysql2
  /^Pool is closed/, // mysql2
  /driver has already been destroyed/, // Kysely, once the database handle is closed
];

function matches(error: unknown, depth: number): boolean {
  if (typeof error !== 'object' || error === null || depth > 4) return false;
  const { code, errno, message, cause, errors } = error as {
    code?: unknown;
    errno?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof errno === 'number' && MYSQL_ERRNOS.has(errno)) return true;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || MYSQL_CODES.has(code) || POSTGRES_STATES.has(code)) return true;
    if (/^08[0-9A-Z]{3}$/.test(code)) return true; // PostgreSQL connection_exception class
    if (/^SQLITE_(BUSY|LOCKED|CANTOPEN)/.test(code)) return true; // another process holds the file past busy_timeout
  }
  if (typeof message === 'string' && MESSAGES.some((pattern) => pattern.test(message))) return true;
  if (Array.isArray(errors) && errors.some((inner) => matches(inner, depth + 1))) return true;
  return matches(cause, depth + 1);
}
