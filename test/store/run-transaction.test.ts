import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../src/store/sql/database.js';
import { migrateToLatest } from '../../src/store/sql/migrations.js';
import { runTransaction } from '../../src/store/sql/run-transaction.js';
import { findUserById, insertUser } from '../../src/store/tables/users.js';
import { useTemporaryDirectory } from '../support/temporary-directory.js';
import { userRow } from './rows.js';

const data = useTemporaryDirectory('tx');
let handle: DatabaseHandle;
beforeAll(async () => {
  handle = openDatabase(`sqlite:${join(data.path, 'db.sqlite')}`);
  await migrateToLatest(handle.db);
});
afterAll(async () => {
  await handle.close();
});

/** What mysql2 throws when InnoDB picks a transaction as a deadlock victim. */
const deadlock = Object.assign(new Error('Deadlock found when trying to get lock; try restarting transaction'), {
  code: 'ER_LOCK_DEADLOCK',
  errno: 1213,
});
const duplicate = Object.assign(new Error('Duplicate entry'), { code: 'ER_DUP_ENTRY', errno: 1062 });

describe('runTransaction', () => {
  it('runs a deadlock victim again, with the rolled-back attempt leaving nothing behind', async () => {
    let attempts = 0;
    const first = userRow();
    const kept = await runTransaction(handle.db, 'deadlock', async (tx) => {
      attempts += 1;
      const row = attempts === 1 ? first : userRow();
      await insertUser(tx, row);
      if (attempts === 1) throw deadlock;
      return row;
    });
    expect(attempts).toBe(2);
    expect(await findUserById(handle.db, first.id)).toBeUndefined();
    expect(await findUserById(handle.db, kept.id)).toBeDefined();
  });

  /** How many times runTransaction ran work that always throws `error`, before passing it on. */
  async function attemptsUntilRejected(retryOn: 'deadlock' | 'conflict', error: Error): Promise<number> {
    let attempts = 0;
    const outcome = runTransaction(handle.db, retryOn, async () => {
      attempts += 1;
      throw error;
    });
    await expect(outcome).rejects.toBe(error);
    return attempts;
  }

  it('gives up after three attempts, and never retries what a retry cannot cure', async () => {
    expect(await attemptsUntilRejected('deadlock', deadlock)).toBe(3);
    expect(await attemptsUntilRejected('deadlock', duplicate)).toBe(1);
    expect(await attemptsUntilRejected('conflict', duplicate)).toBe(3);
  });
});
