import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kv } from '../../src/store/kv/kv.js';

/** How long "expired" takes: short TTLs, waited out with margin for a busy CI machine. */
const TTL_MS = 80;
const PAST_TTL_MS = 250;

/**
 * The Kv conformance suite: MemoryKv (one instance) and RedisKv (several) must behave alike, since the code using
 * them cannot tell which it has. `open` gives a store whose keys no other test run sees.
 */
export function defineKvConformance(name: string, open: () => Kv): void {
  describe(`kv conformance: ${name}`, () => {
    let kv: Kv;
    beforeAll(() => {
      kv = open();
    });
    afterAll(async () => {
      await kv.close();
    });

    it('gets what was set, undefined for what never was, and the latest value after overwriting', async () => {
      expect(await kv.get('absent')).toBeUndefined();
      await kv.set('k1', 'v1 🐼', 10_000);
      expect(await kv.get('k1')).toBe('v1 🐼');
      await kv.set('k1', 'v2', 10_000);
      expect(await kv.get('k1')).toBe('v2');
    });

    it('forgets a value after its TTL', async () => {
      await kv.set('short', 'soon gone', TTL_MS);
      await kv.set('long', 'stays', 10_000);
      expect(await kv.get('short')).toBe('soon gone');
      await sleep(PAST_TTL_MS);
      expect(await kv.get('short')).toBeUndefined();
      expect(await kv.get('long')).toBe('stays');
    });

    it('deletes only while the value is still the one given', async () => {
      await kv.set('cas', 'mine', 10_000);
      await kv.deleteIfEquals('cas', 'theirs');
      expect(await kv.get('cas')).toBe('mine');
      await kv.deleteIfEquals('cas', 'mine');
      expect(await kv.get('cas')).toBeUndefined();
    });

    it('gives a lock to exactly one of many parallel takers, and to nobody else until it is released', async () => {
      const taken = await Promise.all(Array.from({ length: 20 }, () => kv.tryLock('lock-a', 10_000)));
      const held = taken.filter((lock) => lock !== undefined);
      expect(held).toHaveLength(1);
      expect(await kv.tryLock('lock-a', 10_000)).toBeUndefined();
      await held[0]?.release();
      const again = await kv.tryLock('lock-a', 10_000);
      expect(again).toBeDefined();
      await again?.release();
    });

    it('lets a lock expire by itself, and an expired holder’s release leaves the next holder’s lock alone', async () => {
      const first = await kv.tryLock('lock-b', TTL_MS);
      expect(first).toBeDefined();
      await sleep(PAST_TTL_MS);
      const second = await kv.tryLock('lock-b', 10_000);
      expect(second).toBeDefined();
      await first?.release();
      expect(await kv.tryLock('lock-b', 10_000)).toBeUndefined();
      await second?.release();
      expect(await kv.tryLock('lock-b', 10_000)).toBeDefined();
    });
  });
}
