/**
 * Pool limits shared by the PostgreSQL and MySQL engines. Ten connections per instance keeps several instances
 * under PostgreSQL's default max_connections (100) and MySQL's (151); a request waits at most a few seconds for a
 * connection or a server before it fails as DATABASE_UNAVAILABLE instead of hanging.
 */
export const POOL_SETTINGS = {
  maxConnections: 10,
  connectTimeoutMs: 5_000,
  idleTimeoutMs: 30_000,
} as const;
