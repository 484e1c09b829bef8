import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Clock } from '../lib/clock.js';
import type { SealedBox } from '../lib/crypto/sealed-box.js';
import { WeappAuthError } from '../lib/errors.js';
import { runTransaction } from '../store/sql/run-transaction.js';
import type { Database } from '../store/sql/schema.js';
import { type AccountKey, type AccountRow, findAccount, insertAccount, updateAccountOnLogin } from '../store/tables/accounts.js';
import { findSession } from '../store/tables/sessions.js';
import { findUnionIdentity, insertUnionIdentity, type UnionIdentityRow } from '../store/tables/union-identities.js';
import { insertUser, markNotGuest } from '../store/tables/users.js';
import type { ExternalIdentity, IdentityProvider, SessionAccount } from './identity-provider.js';

export type { AccountKey } from '../store/tables/accounts.js';

export interface LinkedAccount {
  userId: string;
  isNewUser: boolean;
  /** The account of another subject whose user this login took over (a guest who logged in; an Alipay user_id). */
  superseded?: string;
}

/** An account's secret, opened; it never leaves the server. */
export interface AccountSecret extends AccountKey {
  userId: string;
  secret: string;
  updatedAt: number;
}

/**
 * Finds or creates the user behind an external identity and stores its latest secret, sealed with the provider's
 * context. An identity whose union key is known in its family (the same person in another WeChat app of one Open
 * Platform account) joins that user; keys of different families never meet. A new account of an identity that
 * supersedes another subject (a guest's device id, an Alipay user_id) joins that subject's user, unless its union key
 * already names a user: the person's own account wins over a device's. Races are settled by the primary keys of
 * accounts (provider, app, subject) and union_identities (family, key): the loser's transaction rolls back whole and
 * it tries again, now finding the winner's rows. Nothing half-made is ever left behind.
 */
export async function linkAccount(
  db: Kysely<Database>,
  box: SealedBox,
  identity: ExternalIdentity,
  contextOf: (app: string, subject: string) => string,
  now: number,
): Promise<LinkedAccount> {
  const sealed = identity.secret === undefined ? null : box.seal(identity.secret, contextOf(identity.app, identity.subject));
  return runTransaction(db, 'conflict', (tx) => linkOnce(tx, identity, sealed, now));
}

async function linkOnce(tx: Kysely<Database>, identity: ExternalIdentity, sealed: string | null, now: number): Promise<LinkedAccount> {
  const key = { provider: identity.provider, app: identity.app, subject: identity.subject };
  const union = identity.union ?? null;
  const account = await findAccount(tx, key);
  if (account !== undefined) {
    await updateAccountOnLogin(tx, key, { secretSealed: sealed, union, now });
    if (union !== null && account.union_key === null && (await findUnionIdentity(tx, union.family, union.key)) === undefined) {
      // The app was bound to an Open Platform account after this user first logged in.
      await insertUnionIdentity(tx, unionRow(union, account.user_id, now));
    }
    return { userId: account.user_id, isNewUser: false };
  }

  const sibling = union === null ? undefined : await findUnionIdentity(tx, union.family, union.key);
  const superseded = sibling === undefined ? await supersededAccount(tx, identity) : undefined;
  const existingUser = sibling?.user_id ?? superseded?.user_id;
  const userId = existingUser ?? uuidv7();
  if (existingUser === undefined) {
    await insertUser(tx, {
      id: userId,
      nickname: null,
      avatar_url: null,
      phone_number: null,
      phone_pure_number: null,
      phone_country_code: null,
      guest: identity.guest === true ? 1 : 0,
      created_at: now,
      updated_at: now,
    });
  } else if (identity.guest !== true) {
    await markNotGuest(tx, userId);
  }
  if (union !== null && sibling === undefined) await insertUnionIdentity(tx, unionRow(union, userId, now));
  await insertAccount(tx, {
    ...key,
    user_id: userId,
    union_family: union?.family ?? null,
    union_key: union?.key ?? null,
    secret_sealed: sealed,
    secret_updated_at: sealed === null ? null : now,
    created_at: now,
  });
  return { userId, isNewUser: existingUser === undefined, ...(superseded === undefined ? {} : { superseded: superseded.subject }) };
}

/** The first account, in the identity's order, of a subject it supersedes. */
async function supersededAccount(tx: Kysely<Database>, identity: ExternalIdentity): Promise<AccountRow | undefined> {
  for (const subject of identity.supersedes ?? []) {
    if (subject === identity.subject) continue;
    const account = await findAccount(tx, { provider: identity.provider, app: identity.app, subject });
    if (account !== undefined) return account;
  }
  return undefined;
}

function unionRow(union: { family: string; key: string }, userId: string, now: number): UnionIdentityRow {
  return { family: union.family, union_key: union.key, user_id: userId, created_at: now };
}

export interface AccountsDeps {
  db: Kysely<Database>;
  /** Seals each account's secret with its provider's context. */
  box: SealedBox;
  providers: readonly IdentityProvider[];
  clock: Clock;
}

/**
 * Linked accounts as the core offers them: linking on login, and the per-account secret for a provider's extra
 * capabilities (WeChat's session_key for encrypted data, phone numbers and checksession), sealed with the
 * provider's own context.
 */
export class Accounts {
  readonly #providers: ReadonlyMap<string, IdentityProvider>;

  constructor(private readonly deps: AccountsDeps) {
    this.#providers = new Map(deps.providers.map((provider) => [provider.id, provider]));
  }

  async link(identity: ExternalIdentity): Promise<LinkedAccount> {
    const provider = this.#provider(identity.provider);
    return linkAccount(this.deps.db, this.deps.box, identity, (app, subject) => provider.secretContext(app, subject), this.deps.clock());
  }

  /** The account a session was signed in with. */
  async ofSession(sessionId: string): Promise<AccountKey> {
    const session = await findSession(this.deps.db, sessionId);
    if (session === undefined) throw new WeappAuthError('SESSION_REVOKED', 'the session no longer exists');
    return { provider: session.provider, app: session.app, subject: session.subject };
  }

  /** The account a session signed in with, its secret opened: what a provider's capabilities work with. */
  async sessionAccount(session: { userId: string; sessionId: string }): Promise<SessionAccount> {
    const key = await this.ofSession(session.sessionId);
    const account = await findAccount(this.deps.db, key);
    if (account === undefined) throw new WeappAuthError('SESSION_REVOKED', 'the session no longer exists');
    const opened = this.#opened(key, account);
    return { ...key, userId: account.user_id, sessionId: session.sessionId, secret: opened?.secret, secretUpdatedAt: opened?.updatedAt };
  }

  /** The account's stored secret, opened; undefined when there is no such account or it has no secret. */
  async secretOf(key: AccountKey): Promise<AccountSecret | undefined> {
    const account = await findAccount(this.deps.db, key);
    const opened = account === undefined ? undefined : this.#opened(key, account);
    return account === undefined || opened === undefined ? undefined : { ...key, userId: account.user_id, ...opened };
  }

  /** An account row's sealed secret, opened with its provider's context; undefined when it has none. */
  #opened(key: AccountKey, account: AccountRow): { secret: string; updatedAt: number } | undefined {
    if (account.secret_sealed === null || account.secret_updated_at === null) return undefined;
    return { secret: this.deps.box.open(account.secret_sealed, this.#sealingContext(key)), updatedAt: Number(account.secret_updated_at) };
  }

  /** Stores a new secret for the account (WeChat's session-key reset); returns when, epoch milliseconds. */
  async replaceSecret(key: AccountKey, secret: string): Promise<number> {
    const now = this.deps.clock();
    const sealed = this.deps.box.seal(secret, this.#sealingContext(key));
    await updateAccountOnLogin(this.deps.db, key, { secretSealed: sealed, union: null, now });
    return now;
  }

  /** The associated data an account's secret is sealed with: its provider's own context. */
  #sealingContext(key: AccountKey): string {
    return this.#provider(key.provider).secretContext(key.app, key.subject);
  }

  #provider(id: string): IdentityProvider {
    const provider = this.#providers.get(id);
    if (provider === undefined) throw new Error(`identity provider ${id} is not configured`);
    return provider;
  }
}
