import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExternalIdentity, IdentityProvider } from '../../src/core/identity-provider.js';
import { WeappAuthError } from '../../src/lib/errors.js';
import { rejectionOf } from '../support/rejection.js';

/** A user as a test asks the platform for one: a new one unless `subject` names who. */
export interface PlatformUser {
  subject?: string;
  /** A key of the provider's union family, naming the same person across its apps. */
  unionKey?: string;
  /** The per-account secret the platform hands out with this login. */
  secret?: string;
}

/** One provider as the suite sees it, with the platform behind it (a simulator or a fake) under the test's control. */
export interface ProviderSubject {
  /** The provider, serving at least two apps, and what stops the platform behind it. */
  open(): Promise<{ provider: IdentityProvider; close(): Promise<void> }>;
  /** A one-time login code, as the platform's client SDK would get one, for `user` in `app`. */
  mint(app: string, user?: PlatformUser): Promise<{ code: string; subject: string }>;
  /** What the platform lacks: no cross-app key (Alipay, Baidu, Kuaishou), no per-account secret. Both are had unless set false. */
  has?: { union?: boolean; secret?: boolean };
  /** Bytes of the platform's per-account secret, as base64 (16 unless the platform says otherwise; Baidu's are 24). */
  secretBytes?: number;
}

/**
 * The identity-provider conformance suite, one test per promise of the seam (src/core/identity-provider.ts): the core
 * relies on every provider alike for who a user is (provider, app, subject), how apps are linked (union family and
 * key), which secret to seal, and that a spent or foreign credential is refused with a stable WeappAuthError code.
 */
export function defineProviderConformance(name: string, subject: ProviderSubject): void {
  describe(`identity provider conformance: ${name}`, () => {
    let provider: IdentityProvider;
    let close: () => Promise<void>;
    let appA: string;
    let appB: string;
    beforeAll(async () => {
      ({ provider, close } = await subject.open());
      [appA = '', appB = ''] = provider.apps;
    });
    afterAll(async () => close?.());

    async function login(app: string, user: PlatformUser = {}): Promise<{ subject: string; identity: ExternalIdentity }> {
      const minted = await subject.mint(app, user);
      return { subject: minted.subject, identity: await provider.exchange(app, { code: minted.code }) };
    }

    it('names itself in lower case, once, and lists its apps', () => {
      expect(provider.id).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(provider.apps.length).toBeGreaterThanOrEqual(2);
      expect(new Set(provider.apps).size).toBe(provider.apps.length);
    });

    it('turns a fresh code into the identity of its user in that app', async () => {
      for (const app of [appA, appB]) {
        const { subject: expected, identity } = await login(app);
        expect(identity).toMatchObject({ provider: provider.id, app, subject: expected });
      }
    });

    it('gives a user the same subject at every login, and another user another', async () => {
      const first = await login(appA);
      const again = await login(appA, { subject: first.subject });
      const other = await login(appA);
      expect(again.identity.subject).toBe(first.identity.subject);
      expect(other.identity.subject).not.toBe(first.identity.subject);
    });

    const hasUnion = subject.has?.union ?? true;
    const hasSecret = subject.has?.secret ?? true;

    it.runIf(!hasUnion)('names no union where the platform has no cross-app key', async () => {
      expect((await login(appA, { unionKey: 'union-ignored' })).identity.union).toBeUndefined();
    });

    it.runIf(!hasSecret)('keeps no secret where the platform hands out none', async () => {
      expect((await login(appA)).identity.secret).toBeUndefined();
    });

    it.runIf(hasUnion)(
      'names a union key in one family of its own, the same in each of its apps, and none where the platform gives none',
      async () => {
        const key = `union-${randomBytes(8).toString('hex')}`;
        const inA = (await login(appA, { unionKey: key })).identity;
        const inB = (await login(appB, { unionKey: key })).identity;
        expect(inA.union?.key).toBe(key);
        expect(inB.union).toEqual(inA.union);
        expect(inA.union?.family).toMatch(/^[a-z][a-z0-9-]*$/);
        expect((await login(appA)).identity.union).toBeUndefined();
      },
    );

    it.runIf(hasSecret)('passes on the per-account secret the platform hands out with a login', async () => {
      // Shaped as the platform's session_key (16 bytes, base64, unless it says otherwise), which simulators check.
      const secret = randomBytes(subject.secretBytes ?? 16).toString('base64');
      expect((await login(appA, { secret })).identity.secret).toBe(secret);
    });

    it('refuses a spent code with a stable error, never a second identity', async () => {
      const minted = await subject.mint(appA);
      await provider.exchange(appA, { code: minted.code });
      const error = await rejectionOf(provider.exchange(appA, { code: minted.code }), WeappAuthError);
      expect(['CODE_USED', 'INVALID_CODE']).toContain(error.code);
    });

    it('refuses a code it never issued, and one issued for another of its apps, as INVALID_CODE', async () => {
      expect((await rejectionOf(provider.exchange(appA, { code: 'never-issued-0123456789' }), WeappAuthError)).code).toBe('INVALID_CODE');
      const forB = await subject.mint(appB);
      expect((await rejectionOf(provider.exchange(appA, { code: forB.code }), WeappAuthError)).code).toBe('INVALID_CODE');
    });

    it('binds a sealed secret to one account: one context per (app, subject), the same every time', () => {
      const contexts = [
        provider.secretContext(appA, 'subject-1'),
        provider.secretContext(appA, 'subject-2'),
        provider.secretContext(appB, 'subject-1'),
      ];
      expect(new Set(contexts).size).toBe(3);
      expect(provider.secretContext(appA, 'subject-1')).toBe(contexts[0]);
    });
  });
}
