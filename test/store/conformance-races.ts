import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { linkAccount } from '../../src/core/accounts.js';
import type { ExternalIdentity } from '../../src/core/identity-provider.js';
import { SealedBox } from '../../src/lib/crypto/sealed-box.js';
import { findRefreshToken, insertRefreshToken, markRefreshTokenUsed } from '../../src/store/tables/refresh-tokens.js';
import { findSession, insertSession, revokeSession } from '../../src/store/tables/sessions.js';
import { insertUser } from '../../src/store/tables/users.js';
import type { StoreContext } from './conformance.js';
import { openid, refreshTokenRow, sessionRow, uniqueTime, userRow } from './rows.js';

const RACERS = 20;
const APP_A = 'wx00000000000000a1';
const APP_B = 'wx00000000000000b2';

/**
 * Races settled by the database, with real concurrency: on PostgreSQL and MySQL the racers hold different pooled
 * connections and their transactions overlap; on SQLite they queue on the one connection.
 */
export function defineRaceTests(ctx: StoreContext): void {
  const box = new SealedBox(randomBytes(32));
  const context = (app: string, subject: string): string => `session-key:${app}:${subject}`;
  const link = (identity: ExternalIdentity, now: number): ReturnType<typeof linkAccount> =>
    linkAccount(ctx.db, box, identity, context, now);

  /** Users and accounts written at `now`: the test's own rows, whatever else the shared database holds. */
  async function writtenAt(now: number): Promise<{ users: number; accounts: number }> {
    const users = await ctx.db.selectFrom('users').select('id').where('created_at', '=', now).execute();
    const accounts = await ctx.db.selectFrom('accounts').select('user_id').where('created_at', '=', now).execute();
    return { users: users.length, accounts: accounts.length };
  }

  describe('races', () => {
    it(`${RACERS} parallel first links of one (appid, openid) make exactly one user and one account`, async () => {
      const now = uniqueTime();
      const identity: ExternalIdentity = { provider: 'wechat', app: APP_A, subject: openid(), secret: 'c2Vzc2lvbi1rZXk=' };
      const linked = await Promise.all(Array.from({ length: RACERS }, () => link(identity, now)));
      expect(new Set(linked.map((each) => each.userId)).size).toBe(1);
      expect(linked.filter((each) => each.isNewUser)).toHaveLength(1);
      // Losers' users were rolled back with their transactions: no orphan without an account.
      expect(await writtenAt(now)).toStrictEqual({ users: 1, accounts: 1 });
    });

    it(`${RACERS} parallel first logins of one unionid in two apps make one user with two accounts`, async () => {
      const now = uniqueTime();
      const union = { family: 'wechat', key: `oU${openid()}` };
      const inA: ExternalIdentity = { provider: 'wechat', app: APP_A, subject: openid(), union, secret: 'a2V5LWE=' };
      const inB: ExternalIdentity = { provider: 'wechat', app: APP_B, subject: openid(), union, secret: 'a2V5LWI=' };
      const linked = await Promise.all(Array.from({ length: RACERS }, (_, i) => link(i % 2 === 0 ? inA : inB, now)));
      expect(new Set(linked.map((each) => each.userId)).size).toBe(1);
      expect(linked.filter((each) => each.isNewUser)).toHaveLength(1);
      expect(await writtenAt(now)).toStrictEqual({ users: 1, accounts: 2 });
    });

    it(`${RACERS} parallel logins learning a union key late link it to the account's user once`, async () => {
      const now = uniqueTime();
      const subject = openid();
      const first = await link({ provider: 'wechat', app: APP_A, subject, secret: 'a2V5LWE=' }, now);
      const union = { family: 'wechat', key: `oU${openid()}` };
      const linked = await Promise.all(
        Array.from({ length: RACERS }, () => link({ provider: 'wechat', app: APP_A, subject, union, secret: 'a2V5LWI=' }, now + 1)),
      );
      expect(linked.every((each) => each.userId === first.userId && !each.isNewUser)).toBe(true);
      const owners = await ctx.db.selectFrom('union_identities').selectAll().where('union_key', '=', union.key).execute();
      expect(owners.map((owner) => [owner.family, owner.user_id])).toStrictEqual([['wechat', first.userId]]);
    });

    it(`${RACERS} parallel uses of one refresh token: exactly one wins, also inside rotating transactions`, async () => {
      const user = userRow();
      await insertUser(ctx.db, user);
      const session = sessionRow(user.id);
      await insertSession(ctx.db, session);
      const plain = refreshTokenRow(session.id);
      const rotated = refreshTokenRow(session.id);
      await insertRefreshToken(ctx.db, plain);
      await insertRefreshToken(ctx.db, rotated);

      const plainWins = await Promise.all(
        Array.from({ length: RACERS }, (_, i) => markRefreshTokenUsed(ctx.db, plain.id, session.created_at + i)),
      );
      expect(plainWins.filter(Boolean)).toHaveLength(1);

      // As sessions.refresh does it: mark used, and only the winner writes the next token of the chain.
      const rotations = await Promise.all(
        Array.from({ length: RACERS }, (_, i) =>
          ctx.db.transaction().execute(async (tx) => {
            const won = await markRefreshTokenUsed(tx, rotated.id, session.created_at + i);
            if (won) await insertRefreshToken(tx, refreshTokenRow(session.id, { parent_id: rotated.id }));
            return won;
          }),
        ),
      );
      expect(rotations.filter(Boolean)).toHaveLength(1);
      const children = await ctx.db.selectFrom('refresh_tokens').select('id').where('parent_id', '=', rotated.id).execute();
      expect(children).toHaveLength(1);
      expect(typeof (await findRefreshToken(ctx.db, rotated.id))?.used_at).toBe('number');
    });

    it(`${RACERS} parallel revocations of one session: exactly one reports it revoked`, async () => {
      const user = userRow();
      await insertUser(ctx.db, user);
      const session = sessionRow(user.id);
      await insertSession(ctx.db, session);
      const reasons = ['logout', 'admin', 'refresh_token_reused'];
      const results = await Promise.all(
        Array.from({ length: RACERS }, (_, i) => revokeSession(ctx.db, session.id, reasons[i % 3] ?? 'admin', session.created_at + i + 1)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect(await findSession(ctx.db, session.id)).toMatchObject({
        revoked_at: session.created_at + winner + 1,
        revoke_reason: reasons[winner % 3],
      });
    });
  });
}
