import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';
import { isDeadlock, isTransactionConflict } from './transaction-conflict.js';

const MAX_ATTEMPTS = 3;

/**
 * Runs `work` in a transaction, and again (up to three times in all) when the database rolled it back for a
 * reason that a plain retry cures. `deadlock`: InnoDB's gap locks and PostgreSQL's lock order can pick any of two
 * racing transactions as a victim. `conflict`: a deadlock, or a unique violation that tells a racer it lost
 * (find-or-create). Either way the rollback left nothing behind, so running the whole transaction again is safe.
 */
export async function runTransaction<T>(
  db: Kysely<Database>,
  retryOn: 'deadlock' | 'conflict',
  work: (tx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  const retryable = retryOn === 'deadlock' ? isDeadlock : isTransactionConflict;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await db.transaction().execute(work);
    } catch (error) {
      if (!retryable(error) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}
