import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kv } from '../../src/store/kv/kv.js';
import { until } from '../support/until.js';

/** A TTL that runs out within the test, and how far past it "later" is (real waits keep a margin for a busy machine). */
const TTL_MS = 80;
const PAST_TTL_MS = 250;
/** Long enough never to run out during a test. */
const LONG_MS = 60_000;

/** One kv implementation as the suite sees it. */
export interface KvSubject {
  /**
   * A store whose keys and channels no other store sees, and a second handle on that same store as another instance
   * would hold it: a second connection for Redis, the store itself where the state lives in one process.
   */
  open(): { kv: Kv; peer: Kv };
  /** Moves the store's clock forward, where the implementation takes one; without it the suite waits for real. */
  advance?: (ms: number) => void;
}

/**
 * The Kv conformance suite, one test (or more) per behaviour of the Kv interface (src/store/kv/kv.ts): values with
 * a TTL, compare-and-delete, locks, windowed counters, publish/subscribe, isolation between stores, close. Every
 * implementation runs it unchanged: the code using a Kv cannot tell which one it has.
 */
export function defineKvConformance(name: string, subject: KvSubject): void {
  /** Lets `ms` pass on the store's clock: moved where it can be, waited for where it cannot. */
  const elapse = async (ms: number): Promise<void> => {
    if (subject.advance === undefined) await sleep(ms);
    else subject.advance(ms);
  };
  /** Lets a TTL_MS run out, with a margin for a busy machine where time is real. */
  const pastTtl = (): Promise<void> => elapse(subject.advance === undefined ? PAST_TTL_MS : TTL_MS);

  describe(`kv conformance: ${name}`, () => {
    const opened = new Set<Kv>();
    const open = (): { kv: Kv; peer: Kv } => {
      const handles = subject.open();
      opened.add(handles.kv).add(handles.peer);
      return handles;
    };
    let kv: Kv;
    let peer: Kv;
    beforeAll(() => {
      ({ kv, peer } = open());
    });
    // Closing a store twice (the close test closes its own) must be harmless too.
    afterAll(async () => {
      for (const handle of opened) await handle.close();
    });

    describe('get and set', () => {
      it('gets what was set, undefined for what never was, and the latest value after overwriting', async () => {
        expect(await kv.get('absent')).toBeUndefined();
        await kv.set('k1', 'v1 🐼', LONG_MS);
        expect(await kv.get('k1')).toBe('v1 🐼');
        await kv.set('k1', 'v2', LONG_MS);
        expect(await kv.get('k1')).toBe('v2');
      });

      it('forgets a value after its TTL, and only that one', async () => {
        await kv.set('short', 'soon gone', TTL_MS);
        await kv.set('long', 'stays', LONG_MS);
        expect(await kv.get('short')).toBe('soon gone');
        await pastTtl();
        expect(await kv.get('short')).toBeUndefined();
        expect(await kv.get('long')).toBe('stays');
      });

      it('gives an overwritten value the new TTL', async () => {
        await kv.set('renewed', 'first', TTL_MS);
        await kv.set('renewed', 'second', LONG_MS);
        await pastTtl();
        expect(await kv.get('renewed')).toBe('second');
      });

      it('shows a value set through one instance to the others', async () => {
        await kv.set('shared', 'from kv', LONG_MS);
        expect(await peer.get('shared')).toBe('from kv');
      });
    });

    describe('deleteIfEquals', () => {
      it('deletes only while the value is still the one given, and ignores a key that is not there', async () => {
        await kv.set('cas', 'mine', LONG_MS);
        await kv.deleteIfEquals('cas', 'theirs');
        expect(await kv.get('cas')).toBe('mine');
        await kv.deleteIfEquals('cas', 'mine');
        expect(await kv.get('cas')).toBeUndefined();
        await kv.deleteIfEquals('never-set', 'anything');
        expect(await kv.get('never-set')).toBeUndefined();
      });
    });

    describe('tryLock', () => {
      it('gives a lock to exactly one of many parallel takers, and to nobody else, on any instance, until it is released', async () => {
        const taken = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? kv : peer).tryLock('lock-a', LONG_MS)));
        const held = taken.filter((lock) => lock !== undefined);
        expect(held).toHaveLength(1);
        expect(await kv.tryLock('lock-a', LONG_MS)).toBeUndefined();
        expect(await peer.tryLock('lock-a', LONG_MS)).toBeUndefined();
        await held[0]?.release();
        const again = await peer.tryLock('lock-a', LONG_MS);
        expect(again).toBeDefined();
        // Releasing twice is harmless: the second release leaves the new holder's lock alone.
        await held[0]?.release();
        expect(await kv.tryLock('lock-a', LONG_MS)).toBeUndefined();
        await again?.release();
      });

      it('lets a lock expire by itself, and an expired holder’s release leaves the next holder’s lock alone', async () => {
        const first = await kv.tryLock('lock-b', TTL_MS);
        expect(first).toBeDefined();
        await pastTtl();
        const second = await kv.tryLock('lock-b', LONG_MS);
        expect(second).toBeDefined();
        await first?.release();
        expect(await kv.tryLock('lock-b', LONG_MS)).toBeUndefined();
        await second?.release();
        expect(await kv.tryLock('lock-b', LONG_MS)).toBeDefined();
      });
    });

    describe('increment', () => {
      it('counts one window across instances, each key on its own', async () => {
        expect(await kv.increment('rate:k', LONG_MS)).toBe(1);
        expect(await peer.increment('rate:k', LONG_MS)).toBe(2);
        expect(await kv.increment('rate:k', LONG_MS)).toBe(3);
        expect(await peer.increment('rate:other', LONG_MS)).toBe(1);
      });

      it('starts the window at the first hit: a key hit all the time still starts again once its TTL has passed', async () => {
        // Hits a quarter of the TTL apart for well over a TTL. Were each hit to stretch the window, the count would
        // only ever grow; waits that run long on a busy machine can make it start again sooner, never later.
        const counts: number[] = [];
        for (let hit = 0; hit < 10; hit += 1) {
          counts.push(await kv.increment('rate:busy', TTL_MS));
          await elapse(TTL_MS / 4);
        }
        expect(counts[0]).toBe(1);
        expect(counts.slice(1)).toContain(1);
      });
    });

    describe('publish and subscribe', () => {
      it('tells every listener on the channel, on every instance, the publisher’s own included, in order', async () => {
        const own: string[] = [];
        const alsoOwn: string[] = [];
        const other: string[] = [];
        await kv.subscribe('news', (message) => own.push(message));
        await kv.subscribe('news', (message) => alsoOwn.push(message));
        await peer.subscribe('news', (message) => other.push(message));
        await kv.publish('news', 'first');
        await kv.publish('news', 'second 🐼');
        await until('every listener to hear both messages', () => [own, alsoOwn, other].every((heard) => heard.length >= 2));
        for (const heard of [own, alsoOwn, other]) expect(heard).toEqual(['first', 'second 🐼']);
      });

      it('keeps channels apart, and publishes to a channel nobody listens on without complaint', async () => {
        const heard: string[] = [];
        await kv.subscribe('channel-x', (message) => heard.push(message));
        await kv.publish('nobody-listens', 'into the void');
        await kv.publish('channel-y', 'for y');
        // Delivered in order: a message of y's wrongly delivered to x would arrive before this one.
        await kv.publish('channel-x', 'for x');
        await until('the listener on x to hear its message', () => heard.length >= 1);
        expect(heard).toEqual(['for x']);
      });
    });

    it('shares nothing with a store opened apart: values, counters, locks, messages', async () => {
      const { kv: apart } = open();
      await kv.set('mine', 'v', LONG_MS);
      expect(await apart.get('mine')).toBeUndefined();
      await kv.increment('rate:apart', LONG_MS);
      expect(await apart.increment('rate:apart', LONG_MS)).toBe(1);
      const lock = await kv.tryLock('lock-apart', LONG_MS);
      const theirs = await apart.tryLock('lock-apart', LONG_MS);
      expect(theirs).toBeDefined();
      const heard: string[] = [];
      await apart.subscribe('news-apart', (message) => heard.push(message));
      await kv.publish('news-apart', 'not for them');
      // Its own message comes after any wrongly delivered one.
      await apart.publish('news-apart', 'their own');
      await until('the store apart to hear its own message', () => heard.length >= 1);
      expect(heard).toEqual(['their own']);
      await lock?.release();
      await theirs?.release();
    });

    it('tells a closed store’s listeners nothing more', async () => {
      const { kv: closing, peer: stillOpen } = open();
      const heard: string[] = [];
      await closing.subscribe('news', (message) => heard.push(message));
      await closing.close();
      // A closed store may refuse to publish; either way its own listeners hear nothing.
      await closing.publish('news', 'after close').catch(() => undefined);
      // Where the peer is another connection, news still flows there, and still not to the closed store.
      if (stillOpen !== closing) {
        const witness: string[] = [];
        await stillOpen.subscribe('news', (message) => witness.push(message));
        await stillOpen.publish('news', 'after close');
        await until('the open instance to hear its own message', () => witness.length >= 1);
      }
      expect(heard).toEqual([]);
    });
  });
}
