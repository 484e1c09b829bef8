import { randomBytes } from 'node:crypto';
import { type KyselyPlugin, UpdateQueryNode } from 'kysely';
import { describe, expect, it } from 'vitest';
import { SigningKeyRing } from '../../src/core/tokens/signing-keys.js';
import { SealedBox } from '../../src/lib/crypto/sealed-box.js';
import { useFreshHandle } from '../store/fresh-handle.js';
import { TEST_ENGINES } from '../support/test-databases.js';

/** Fails every UPDATE: the retirement or withdrawal that follows a new key's insert. */
const failingUpdates: KyselyPlugin = {
  transformQuery(args) {
    if (UpdateQueryNode.is(args.node)) throw new Error('update refused by the test');
    return args.node;
  },
  transformResult: async (args) => args.result,
};

describe.each(TEST_ENGINES)('a signing-key rotation on %s', (engine) => {
  const fresh = useFreshHandle(engine, { migrate: true });
  const box = new SealedBox(randomBytes(32));
  const clock = (): number => Date.now();

  it.each(['scheduled', 'immediate'] as const)('%s: leaves no new key behind when the old keys cannot be retired', async (mode) => {
    await SigningKeyRing.open({ db: fresh.handle.db, box, clock, tokenTtlSeconds: 900 });
    const before = await fresh.handle.db.selectFrom('signing_keys').select(['kid', 'retired_at']).execute();
    const ring = await SigningKeyRing.open({ db: fresh.handle.db.withPlugin(failingUpdates), box, clock, tokenTtlSeconds: 900 });
    await expect(ring.rotate(mode)).rejects.toThrow(/update refused/);
    expect(await fresh.handle.db.selectFrom('signing_keys').select(['kid', 'retired_at']).execute()).toEqual(before);
  });
});
