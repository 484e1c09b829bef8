import { describe, expect, it } from 'vitest';
import { isUniqueViolation } from '../../src/store/sql/transaction-conflict.js';
import { findAccount, insertAccount } from '../../src/store/tables/accounts.js';
import { findUserById, insertUser } from '../../src/store/tables/users.js';
import { rejectionOf } from '../support/rejection.js';
import type { StoreContext } from './conformance.js';
import { accountRow, userRow } from './rows.js';

/** A transaction that fails leaves nothing behind: the basis of account linking's retry. */
export function defineTransactionTests(ctx: StoreContext): void {
  describe('transactions', () => {
    it('roll back a user inserted before an exception', async () => {
      const user = userRow();
      const thrown = new Error('changed my mind');
      const error = await rejectionOf(
        ctx.db.transaction().execute(async (tx) => {
          await insertUser(tx, user);
          expect(await findUserById(tx, user.id)).toStrictEqual(user);
          throw thrown;
        }),
      );
      expect(error).toBe(thrown);
      expect(await findUserById(ctx.db, user.id)).toBeUndefined();
    });

    it('roll back everything before a unique violation, which still reads as one', async () => {
      const owner = userRow();
      await insertUser(ctx.db, owner);
      const taken = accountRow(owner.id);
      await insertAccount(ctx.db, taken);

      const loser = userRow();
      const error = await rejectionOf(
        ctx.db.transaction().execute(async (tx) => {
          await insertUser(tx, loser);
          await insertAccount(tx, accountRow(loser.id, { subject: taken.subject }));
        }),
      );
      expect(isUniqueViolation(error)).toBe(true);
      expect(await findUserById(ctx.db, loser.id)).toBeUndefined();
      expect((await findAccount(ctx.db, taken))?.user_id).toBe(owner.id);
    });
  });
}
