import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Accounts } from '../../src/core/accounts.js';
import { AuditLog } from '../../src/core/audit.js';
import type { IdentityProvider } from '../../src/core/identity-provider.js';
import { type Exchanged, Login } from '../../src/core/login.js';
import { Profiles } from '../../src/core/profile.js';
import { RateLimiter } from '../../src/core/rate-limiter.js';
import { Sessions } from '../../src/core/sessions.js';
import { SharedFlight } from '../../src/core/shared-flight.js';
import { AccessTokens } from '../../src/core/tokens/access-tokens.js';
import { SigningKeyRing } from '../../src/core/tokens/signing-keys.js';
import { SealedBox } from '../../src/lib/crypto/sealed-box.js';
import { WeappAuthError } from '../../src/lib/errors.js';
import { MemoryKv } from '../../src/store/kv/kv.js';
import { type DatabaseHandle, openDatabase } from '../../src/store/sql/database.js';
import { migrateToLatest } from '../../src/store/sql/migrations.js';
import { FakePlatform, FakeProvider } from '../support/fake-platform.js';
import { createTestDatabase, TEST_ENGINES, type TestDatabase } from '../support/test-databases.js';

const CLIENT = { requestId: 'domain-test-request', ip: '203.0.113.7', userAgent: 'domain-test' };

/**
 * The identity core on its own, on each engine: Login, Accounts and Sessions wired by hand with two fake
 * platforms and no WeChat at all. Nothing here imports src/wechat: the core needs no platform to work.
 */
describe.each(TEST_ENGINES)('the login domain with fake providers on %s', (engine) => {
  const fake = new FakePlatform();
  const other = new FakePlatform();
  /** A broken provider: it answers for another app than the one it was asked about. */
  const liar: IdentityProvider = {
    id: 'liar',
    apps: ['asked'],
    exchange: async () => ({ provider: 'liar', app: 'other', subject: 'someone' }),
    secretContext: (app, subject) => `${app}:${subject}`,
  };
  const providers: IdentityProvider[] = [new FakeProvider(fake, ['one', 'two']), new FakeProvider(other, ['elsewhere'], 'otherplat'), liar];
  let database: TestDatabase;
  let handle: DatabaseHandle;
  let accounts: Accounts;
  let accessTokens: AccessTokens;
  let login: Login;
  const box = new SealedBox(randomBytes(32));
  const clock = (): number => Date.now();

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    handle = openDatabase(database.url);
    await migrateToLatest(handle.db);
    const db = handle.db;
    const kv = new MemoryKv();
    const audit = new AuditLog({ db, clock, logger: { warn: () => undefined } });
    const limiter = new RateLimiter({ kv });
    accounts = new Accounts({ db, box, providers, clock });
    const keys = await SigningKeyRing.open({ db, box, clock, tokenTtlSeconds: 900 });
    accessTokens = new AccessTokens({
      keys,
      clock,
      issuer: 'domain-test',
      ttlSeconds: 900,
      apps: new Map(providers.map((p) => [p.id, p.apps])),
    });
    const sessions = new Sessions({
      db,
      accessTokens,
      kv,
      limiter,
      audit,
      clock,
      refreshTtlSeconds: 3600,
      refreshReuseGraceSeconds: 0,
      refreshesPerOpenidPerMinute: 0,
    });
    const codeFlight = new SharedFlight<Exchanged>({ kv, namespace: 'login-code' });
    const profiles = new Profiles({ db, clock });
    login = new Login({ providers, accounts, sessions, profiles, codeFlight, limiter, audit, loginsPerOpenidPerMinute: 2 });
  });
  afterAll(async () => {
    await handle?.close();
    await database?.drop();
  });

  async function failureOf(promise: Promise<unknown>): Promise<string> {
    return promise.then(
      () => expect.fail('expected the login to fail'),
      (error: unknown) => (error instanceof WeappAuthError ? error.code : String(error)),
    );
  }

  it('logs in through the first provider and its first app by default, with tokens that name both', async () => {
    const { code, subject } = fake.mint('one');
    const result = await login.login({ code }, CLIENT);
    expect(result.isNewUser).toBe(true);
    const claims = await accessTokens.verify(result.accessToken);
    expect(claims).toMatchObject({ userId: result.user.id, provider: 'fakeplat', appid: 'one' });
    expect(await accounts.ofSession(claims.sessionId)).toStrictEqual({ provider: 'fakeplat', app: 'one', subject });
  });

  it('finds a returning user, and counts logins per account across the provider’s codes', async () => {
    const { code, subject } = fake.mint('two');
    const first = await login.login({ provider: 'fakeplat', app: 'two', code }, CLIENT);
    const again = await login.login({ provider: 'fakeplat', app: 'two', code: fake.mint('two', { subject }).code }, CLIENT);
    expect({ user: again.user.id, isNewUser: again.isNewUser }).toEqual({ user: first.user.id, isNewUser: false });
    // loginsPerOpenidPerMinute is 2: the third login of this account within the minute is refused.
    expect(await failureOf(login.login({ provider: 'fakeplat', app: 'two', code: fake.mint('two', { subject }).code }, CLIENT))).toBe(
      'RATE_LIMITED',
    );
    // The same subject at another provider is another account, counted apart.
    const elsewhere = await login.login({ provider: 'otherplat', code: other.mint('elsewhere', { subject }).code }, CLIENT);
    expect(elsewhere.isNewUser).toBe(true);
  });

  it('exchanges a double-tapped code once, and both taps get their own session of one user', async () => {
    const { code } = fake.mint('one');
    const before = fake.exchanges;
    const [a, b] = await Promise.all([
      login.login({ provider: 'fakeplat', code }, CLIENT),
      login.login({ provider: 'fakeplat', code }, CLIENT),
    ]);
    expect(fake.exchanges).toBe(before + 1);
    expect(a.user.id).toBe(b.user.id);
    expect(a.refreshToken).not.toBe(b.refreshToken);
  });

  it('links by union key within a family, never across families, even for an equal key', async () => {
    const key = `union-${randomBytes(6).toString('hex')}`;
    const inOne = await login.login({ provider: 'fakeplat', app: 'one', code: fake.mint('one', { unionKey: key }).code }, CLIENT);
    const inTwo = await login.login({ provider: 'fakeplat', app: 'two', code: fake.mint('two', { unionKey: key }).code }, CLIENT);
    const otherFamily = await login.login({ provider: 'otherplat', code: other.mint('elsewhere', { unionKey: key }).code }, CLIENT);
    expect(inTwo.user.id).toBe(inOne.user.id);
    expect(otherFamily.isNewUser).toBe(true);
    expect(otherFamily.user.id).not.toBe(inOne.user.id);
  });

  it('links a union key learned after the first login, so the next app’s first login joins that user', async () => {
    const key = `late-${randomBytes(6).toString('hex')}`;
    const { subject } = fake.mint('one');
    const before = await login.login({ provider: 'fakeplat', code: fake.mint('one', { subject }).code }, CLIENT);
    await login.login({ provider: 'fakeplat', code: fake.mint('one', { subject, unionKey: key }).code }, CLIENT);
    const otherApp = await login.login({ provider: 'fakeplat', app: 'two', code: fake.mint('two', { unionKey: key }).code }, CLIENT);
    expect({ user: otherApp.user.id, isNewUser: otherApp.isNewUser }).toEqual({ user: before.user.id, isNewUser: false });
  });

  it('seals a provider’s secret with that provider’s context, keeps it across secret-less logins, and opens it for the core’s callers', async () => {
    const { code, subject } = fake.mint('one', { secret: 'first-secret' });
    await login.login({ provider: 'fakeplat', code }, CLIENT);
    const key = { provider: 'fakeplat', app: 'one', subject };
    expect(await accounts.secretOf(key)).toMatchObject({ ...key, secret: 'first-secret' });
    const stored = await handle.db.selectFrom('accounts').select('secret_sealed').where('subject', '=', subject).executeTakeFirstOrThrow();
    expect(stored.secret_sealed).not.toContain('first-secret');
    // Bound to the account: the ciphertext does not open as another account's.
    expect(() => box.open(stored.secret_sealed ?? '', providers[0]?.secretContext('two', subject) ?? '')).toThrow();

    await login.login({ provider: 'fakeplat', code: fake.mint('one', { subject }).code }, CLIENT);
    expect((await accounts.secretOf(key))?.secret).toBe('first-secret');
    await accounts.replaceSecret(key, 'second-secret');
    expect((await accounts.secretOf(key))?.secret).toBe('second-secret');
    const secretless = fake.mint('two');
    await login.login({ provider: 'fakeplat', app: 'two', code: secretless.code }, CLIENT);
    expect(await accounts.secretOf({ provider: 'fakeplat', app: 'two', subject: secretless.subject })).toBeUndefined();
  });

  it('makes one user of 20 racing first logins sharing one union key across two apps', async () => {
    const unionKey = `race-${randomBytes(6).toString('hex')}`;
    const logins = Array.from({ length: 20 }, (_, i) => {
      const app = i % 2 === 0 ? 'one' : 'two';
      return login.login({ provider: 'fakeplat', app, code: fake.mint(app, { unionKey }).code }, CLIENT);
    });
    const results = await Promise.all(logins);
    expect(new Set(results.map((result) => result.user.id)).size).toBe(1);
    expect(results.filter((result) => result.isNewUser)).toHaveLength(1);
    const linked = await handle.db.selectFrom('accounts').select('user_id').where('union_key', '=', unionKey).execute();
    expect(linked).toHaveLength(20);
  });

  it('refuses an unknown provider or app, and a failed exchange writes no account', async () => {
    const { code, subject } = fake.mint('one');
    expect(await failureOf(login.login({ provider: 'wechat', code }, CLIENT))).toBe('UNKNOWN_PROVIDER');
    expect(await failureOf(login.login({ provider: 'fakeplat', app: 'elsewhere', code }, CLIENT))).toBe('UNKNOWN_APP');
    expect(await failureOf(login.login({ provider: 'fakeplat', app: 'two', code }, CLIENT))).toBe('INVALID_CODE');
    expect(await handle.db.selectFrom('accounts').select('subject').where('subject', '=', subject).execute()).toStrictEqual([]);
    const failures = await handle.db
      .selectFrom('audit_events')
      .select(['provider', 'app', 'details'])
      .where('type', '=', 'login_failed')
      .execute();
    expect(failures).toEqual(
      expect.arrayContaining([
        { provider: 'wechat', app: null, details: JSON.stringify({ code: 'UNKNOWN_PROVIDER' }) },
        { provider: 'fakeplat', app: 'two', details: JSON.stringify({ code: 'INVALID_CODE' }) },
      ]),
    );
  });

  it('refuses a provider that answers for another app than it was asked about, writing nothing', async () => {
    await expect(login.login({ provider: 'liar', code: 'x' }, CLIENT)).rejects.toThrow(/answered for liar\/other/);
    expect(await handle.db.selectFrom('accounts').select('subject').where('provider', '=', 'liar').execute()).toStrictEqual([]);
  });
});
