/**
 * Connections per instance for the PostgreSQL and MySQL engines unless DATABASE_POOL_SIZE says otherwise. Ten keeps
 * several instances under PostgreSQL's default max_connections (100) and MySQL's (151).
 */
export const DEFAULT_POOL_SIZE = 10;

/**
 * Pool timings shared by the PostgreSQL and MySQL engines: a request waits at most a few seconds for a connection
 * or a server before it fails as DATABASE_UNAVAILABLE instead of hanging.
 */
export const POOL_SETTINGS = {
  connectTimeoutMs: 5_000,
  idleTimeoutMs: 30_000,
} as const;
