import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FallbackKv } from '../../src/store/kv/fallback.js';
import { type Kv, KvUnavailableError, MemoryKv } from '../../src/store/kv/kv.js';
import { connectionName, RedisKv } from '../../src/store/kv/redis.js';
import { startHarness } from '../support/harness.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { removeDirectory, temporaryDirectory } from '../support/temporary-directory.js';
import { until } from '../support/until.js';
import { defineKvConformance } from './kv-conformance.js';

const REDIS_URL = process.env.WEAPP_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const REDIS_PORT = Number(new URL(REDIS_URL).port || 6379);

/** A prefix of its own per store: parallel files and reruns share the one Redis without seeing each other's keys. */
function prefix(): string {
  return `weapp-test:${randomBytes(6).toString('hex')}:`;
}

/** One clock for every MemoryKv the suite opens: expiry is tested by moving it, not by waiting. */
let memoryNow = Date.now();
defineKvConformance('memory', {
  open: () => {
    const kv = new MemoryKv({ clock: () => memoryNow });
    return { kv, peer: kv };
  },
  advance: (ms) => {
    memoryNow += ms;
  },
});

/** Two connections under one prefix: two instances of one deployment. */
function redisPair<T extends Kv>(wrap: (redis: RedisKv) => T): { kv: T; peer: T } {
  const shared = prefix();
  return { kv: wrap(new RedisKv(REDIS_URL, shared)), peer: wrap(new RedisKv(REDIS_URL, shared)) };
}
defineKvConformance('redis', { open: () => redisPair((redis) => redis) });
// What a server given REDIS_URL runs on.
defineKvConformance('redis behind the memory fallback', { open: () => redisPair((redis) => new FallbackKv(redis)) });

// A Redis that cannot be reached, in front of which the fallback must still be a kv like the others: this
// instance's memory, which it alone sees.
let deadRedis: TcpProxy;
beforeAll(async () => {
  deadRedis = await startTcpProxy(REDIS_PORT);
  await deadRedis.cut();
});
afterAll(async () => deadRedis.close());
defineKvConformance('redis unreachable, falling back to memory', {
  open: () => {
    const kv = new FallbackKv(new RedisKv(`redis://127.0.0.1:${deadRedis.port}`, prefix()));
    return { kv, peer: kv };
  },
});

describe('MemoryKv', () => {
  it('sweeps expired entries that are never read again, so memory stays bounded', async () => {
    let now = 0;
    const kv = new MemoryKv({ clock: () => now });
    for (let i = 0; i < 999; i += 1) await kv.set(`spent-code-${i}`, 'x', 1);
    now += 10;
    expect(kv.size).toBe(999);
    await kv.set('live', 'y', 60_000); // the 1,000th write sweeps
    expect(kv.size).toBe(1);
    expect(await kv.get('live')).toBe('y');
  });

  it('counts time on the system clock unless given one', async () => {
    const kv = new MemoryKv();
    await kv.set('k', 'v', 30);
    expect(await kv.get('k')).toBe('v');
    await sleep(60);
    expect(await kv.get('k')).toBeUndefined();
  });
});

describe('Redis going away and coming back', () => {
  let proxy: TcpProxy;
  const opened: Kv[] = [];
  beforeEach(async () => {
    proxy = await startTcpProxy(REDIS_PORT);
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((kv) => kv.close()));
    await proxy.close();
  });

  function open<T extends Kv>(kv: T): T {
    opened.push(kv);
    return kv;
  }

  it('RedisKv fails every operation with KvUnavailableError while cut, reports it once, and recovers by itself, resubscribed', async () => {
    const shared = prefix();
    const events: string[] = [];
    const kv = open(
      new RedisKv(`redis://127.0.0.1:${proxy.port}`, shared, {
        unreachable: () => events.push('unreachable'),
        reachable: () => events.push('reachable'),
      }),
    );
    const direct = open(new RedisKv(REDIS_URL, shared));
    const heard: string[] = [];
    await kv.subscribe('news', (message) => heard.push(message));
    await kv.set('kept', 'v', 60_000);

    await proxy.cut();
    const operations: (() => Promise<unknown>)[] = [
      () => kv.get('kept'),
      () => kv.set('k', 'v', 1000),
      () => kv.deleteIfEquals('kept', 'v'),
      () => kv.tryLock('lock', 1000),
      () => kv.increment('count', 1000),
      () => kv.publish('news', 'lost'),
      () => kv.ping(),
    ];
    for (const operation of operations) await expect(operation()).rejects.toBeInstanceOf(KvUnavailableError);
    expect(events).toEqual(['unreachable']);

    await proxy.restore();
    await until('Redis to answer again', () =>
      kv.ping().then(
        () => true,
        () => false,
      ),
    );
    expect(await kv.get('kept')).toBe('v');
    expect(events).toEqual(['unreachable', 'reachable']);
    await until('the subscription to be made again', async () => {
      await direct.publish('news', 'back');
      return heard.includes('back');
    });
  });

  it('RedisKv starts while Redis is unreachable, and subscribes once it is back', async () => {
    await proxy.cut();
    const shared = prefix();
    const kv = open(new RedisKv(`redis://127.0.0.1:${proxy.port}`, shared));
    const heard: string[] = [];
    await kv.subscribe('news', (message) => heard.push(message));
    await expect(kv.get('k')).rejects.toBeInstanceOf(KvUnavailableError);

    await proxy.restore();
    const direct = open(new RedisKv(REDIS_URL, shared));
    await until('the subscription to be made', async () => {
      await direct.publish('news', 'hello');
      return heard.includes('hello');
    });
  });

  it('FallbackKv serves from memory while Redis is cut, and from Redis again once it is back', async () => {
    const shared = prefix();
    const fallbacks: string[] = [];
    const kv = open(new FallbackKv(new RedisKv(`redis://127.0.0.1:${proxy.port}`, shared), (operation) => fallbacks.push(operation)));
    const direct = open(new RedisKv(REDIS_URL, shared));
    expect(await kv.increment('count', 60_000)).toBe(1);
    const heldInRedis = await kv.tryLock('lock', 60_000);
    expect(heldInRedis).toBeDefined();
    expect(fallbacks).toEqual([]);

    await proxy.cut();
    // This instance's own window and locks; a lock taken in Redis releases without error (it expires there).
    expect(await kv.increment('count', 60_000)).toBe(1);
    expect(await kv.increment('count', 60_000)).toBe(2);
    await heldInRedis?.release();
    const heldInMemory = await kv.tryLock('lock', 60_000);
    expect(heldInMemory).toBeDefined();
    expect(await kv.tryLock('lock', 60_000)).toBeUndefined();
    const heard: string[] = [];
    await kv.subscribe('news', (message) => heard.push(message));
    await kv.publish('news', 'local');
    expect(heard).toEqual(['local']);
    expect(new Set(fallbacks)).toEqual(new Set(['increment', 'tryLock', 'publish']));

    await proxy.restore();
    await direct.set('probe', 'from redis', 60_000);
    await until('reads to go to Redis again', async () => (await kv.get('probe')) === 'from redis');
    // Redis's window resumes where it was; the lock taken there before the cut still holds until it expires.
    expect(await kv.increment('count', 60_000)).toBe(2);
    expect(await kv.tryLock('lock', 60_000)).toBeUndefined();
    await heldInMemory?.release();
  });
});

describe('Redis refusing a command', () => {
  it('is a bug to see, not an outage: neither RedisKv nor FallbackKv hides it as "Redis down"', async () => {
    const shared = prefix();
    const unreachable: string[] = [];
    const redis = new RedisKv(REDIS_URL, shared, { unreachable: (reason) => unreachable.push(reason), reachable: () => {} });
    const fallbacks: string[] = [];
    const kv = new FallbackKv(redis, (operation) => fallbacks.push(operation));
    const raw = new Redis(REDIS_URL);
    try {
      // A key of the wrong type under our prefix (a list): GET answers WRONGTYPE, Redis itself being fine.
      await raw.rpush(`${shared}counter`, 'x');
      await raw.pexpire(`${shared}counter`, 60_000);
      const direct = await redis.get('counter').then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(direct).toBeInstanceOf(Error);
      expect(direct).not.toBeInstanceOf(KvUnavailableError);
      expect((direct as Error).message).toMatch(/WRONGTYPE/);
      await expect(kv.get('counter')).rejects.toThrow(/WRONGTYPE/);
      expect({ fallbacks, unreachable }).toEqual({ fallbacks: [], unreachable: [] });
    } finally {
      await kv.close();
      await raw.quit();
    }
  });
});

describe('a server start that fails', () => {
  it('leaves no Redis connection behind: what can fail runs before the kv opens', async () => {
    const keyPrefix = prefix();
    const dataDir = temporaryDirectory('failed-start');
    const env = { REDIS_URL, REDIS_KEY_PREFIX: keyPrefix, DATA_DIR: dataDir };
    await (await startHarness(env)).close();
    const raw = new Redis(REDIS_URL);
    const ours = async (): Promise<number> =>
      ((await raw.client('LIST')) as string).split('\n').filter((line) => line.includes(` name=${connectionName(keyPrefix)} `)).length;
    try {
      // Another data-encryption key than the one the signing keys were sealed with: the key ring cannot open them.
      const wrongKey = randomBytes(32).toString('base64');
      await expect(startHarness({ ...env, DATA_ENCRYPTION_KEY: wrongKey })).rejects.toThrow();
      // A connection left open would have connected by now, and stay.
      await sleep(300);
      expect(await ours()).toBe(0);
    } finally {
      await raw.quit();
      removeDirectory(dataDir);
    }
  });
});
