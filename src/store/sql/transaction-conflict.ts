/**
 * Errors after which a whole transaction may simply be run again. Racing first logins rely on the database's
 * unique indexes, not on a read-then-write check, so a unique violation is how the loser learns it lost; a
 * deadlock or serialization failure (two racers locking rows in different orders under InnoDB's gap locks or
 * PostgreSQL's checks) rolls the loser back just the same, with nothing written.
 */
export function isTransactionConflict(error: unknown): boolean {
  return isUniqueViolation(error) || isDeadlock(error);
}

/** A unique-constraint violation, whatever the engine. */
export function isUniqueViolation(error: unknown): boolean {
  const { code, errno } = codes(error);
  return (
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === '23505' || // PostgreSQL unique_violation
    code === 'ER_DUP_ENTRY' ||
    errno === 1062 // MySQL / MariaDB
  );
}

/** A deadlock or serialization failure: the database chose this transaction as the one to roll back. */
export function isDeadlock(error: unknown): boolean {
  const { code, errno } = codes(error);
  return (
    code === '40P01' || // PostgreSQL deadlock_detected
    code === '40001' || // PostgreSQL serialization_failure
    code === 'ER_LOCK_DEADLOCK' ||
    errno === 1213 // MySQL / MariaDB deadlock
  );
}

function codes(error: unknown): { code?: unknown; errno?: unknown } {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown; errno?: unknown }) : {};
}
