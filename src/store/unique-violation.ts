/**
 * True when a driver error is a unique-constraint violation, whatever the engine. Racing first logins rely on
 * the database's unique indexes, not on a read-then-write check, so this is how the loser learns it lost.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, errno } = error as { code?: unknown; errno?: unknown };
  return (
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === '23505' || // PostgreSQL unique_violation
    code === 'ER_DUP_ENTRY' ||
    errno === 1062 // MySQL / MariaDB
  );
}
