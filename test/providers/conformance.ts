import { describe, expect, it } from 'vitest';
import type { IdentityProvider } from '../../src/core/identity-provider.js';
import { WeappAuthError } from '../../src/lib/errors.js';

/** A person as the platform under test knows them: the same `person` gets the same subject in one app. */
export interface PlatformUser {
  subject?: string;
  unionKey?: string;
}

/**
 * What the suite needs of a platform beside its provider: one-time codes, minted as the platform's client login
 * would hand them to a mini program. Each provider's test supplies one, running against the platform's simulator.
 */
export interface ProviderUnderTest {
  provider: IdentityProvider;
  /** A fresh one-time code for `user` (a new subject when none is given) in `app`. */
  mintCode(app: string, user?: PlatformUser): Promise<{ code: string; subject: string }>;
  /** Whether the platform hands out a per-account secret with each login (WeChat's session_key). */
  givesSecret: boolean;
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(WeappAuthError);
    return (error as WeappAuthError).code;
  }
  throw new Error('the exchange was expected to be refused');
}

/**
 * The behaviour every identity provider owes the core, whatever its platform: identities for the app asked about,
 * stable subjects, union keys comparable within their family, single-use codes refused with stable codes, secrets
 * bound to their account. Run by each provider's test against its platform's simulator.
 */
export function providerConformance(name: string, setUp: () => Promise<ProviderUnderTest>): void {
  describe(`identity provider conformance: ${name}`, () => {
    it('has a stable lower-case id and at least one app', async () => {
      const { provider } = await setUp();
      expect(provider.id).toMatch(/^[a-z][a-z0-9-]{1,31}$/);
      expect(provider.apps.length).toBeGreaterThan(0);
    });

    it('answers for the provider and app it was asked about, with the subject the platform knows', async () => {
      const platform = await setUp();
      for (const app of platform.provider.apps) {
        const minted = await platform.mintCode(app);
        const identity = await platform.provider.exchange(app, { code: minted.code });
        expect({ provider: identity.provider, app: identity.app, subject: identity.subject }).toEqual({
          provider: platform.provider.id,
          app,
          subject: minted.subject,
        });
        if (platform.givesSecret) expect(identity.secret).toEqual(expect.any(String));
      }
    });

    it('gives the same subject for the same person in one app, and a union key of its own family', async () => {
      const platform = await setUp();
      const app = platform.provider.apps[0] ?? '';
      const first = await platform.mintCode(app, { unionKey: `union-${Math.random().toString(36).slice(2)}` });
      const again = await platform.mintCode(app, { subject: first.subject });
      const [one, two] = await Promise.all([
        platform.provider.exchange(app, { code: first.code }),
        platform.provider.exchange(app, { code: again.code }),
      ]);
      expect(two.subject).toBe(one.subject);
      expect(one.union?.family).toMatch(/^[a-z][a-z0-9-]{1,31}$/);
      expect(one.union?.key).toEqual(expect.any(String));
    });

    it('refuses a code a second time, and a code it never issued, with stable codes', async () => {
      const platform = await setUp();
      const app = platform.provider.apps[0] ?? '';
      const minted = await platform.mintCode(app);
      await platform.provider.exchange(app, { code: minted.code });
      expect(['CODE_USED', 'INVALID_CODE']).toContain(await refusal(platform.provider.exchange(app, { code: minted.code })));
      expect(await refusal(platform.provider.exchange(app, { code: 'never-issued-0123456789abcdef' }))).toBe('INVALID_CODE');
    });

    it('refuses a code issued for another of its apps', async () => {
      const platform = await setUp();
      const [app, other] = platform.provider.apps;
      if (app === undefined || other === undefined) return;
      const minted = await platform.mintCode(other);
      expect(await refusal(platform.provider.exchange(app, { code: minted.code }))).toBe('INVALID_CODE');
    });

    it('binds a secret to one account: the sealing context differs per app and subject, and never changes', async () => {
      const { provider } = await setUp();
      const [app = '', other = app] = provider.apps;
      const context = provider.secretContext(app, 'subject-1');
      expect(provider.secretContext(app, 'subject-1')).toBe(context);
      expect(provider.secretContext(app, 'subject-2')).not.toBe(context);
      if (other !== app) expect(provider.secretContext(other, 'subject-1')).not.toBe(context);
    });
  });
}
