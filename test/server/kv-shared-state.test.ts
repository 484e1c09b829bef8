import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type Kv, MemoryKv } from '../../src/store/kv/kv.js';
import { RedisKv } from '../../src/store/kv/redis.js';

const opened: Kv[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((kv) => kv.close()));
});

function redisPair(): [Kv, Kv] {
  const prefix = `test-${randomBytes(6).toString('hex')}:`;
  const pair: [Kv, Kv] = [new RedisKv('redis://127.0.0.1:6379', prefix), new RedisKv('redis://127.0.0.1:6379', prefix)];
  opened.push(...pair);
  return pair;
}

function nextMessage(kv: Kv, channel: string): Promise<string> {
  return new Promise((resolve) => void kv.subscribe(channel, resolve));
}

describe('revocation news and shared counters', () => {
  it('deliver a message published by one Redis connection to a subscriber on another', async () => {
    const [a, b] = redisPair();
    const heard = nextMessage(b, 'session-revoked');
    await new Promise((resolve) => setTimeout(resolve, 50)); // SUBSCRIBE is acknowledged asynchronously
    await a.publish('session-revoked', 'session-123');
    await expect(heard).resolves.toBe('session-123');
  });

  it('keep deployments apart: another prefix hears nothing', async () => {
    const [a] = redisPair();
    const other = new RedisKv('redis://127.0.0.1:6379', `test-${randomBytes(6).toString('hex')}:`);
    opened.push(other);
    let heard = false;
    await other.subscribe('session-revoked', () => {
      heard = true;
    });
    const own = nextMessage(a, 'session-revoked');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await a.publish('session-revoked', 'x');
    await own;
    expect(heard).toBe(false);
  });

  it('count one window across connections, starting it at the first hit', async () => {
    const [a, b] = redisPair();
    expect(await a.increment('rate:k', 60_000)).toBe(1);
    expect(await b.increment('rate:k', 60_000)).toBe(2);
    expect(await a.increment('rate:k', 60_000)).toBe(3);
    expect(await a.increment('rate:short', 50)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await b.increment('rate:short', 50)).toBe(1);
  });

  it('work the same in memory for a single instance', async () => {
    const kv = new MemoryKv();
    opened.push(kv);
    const heard = nextMessage(kv, 'session-revoked');
    await kv.publish('session-revoked', 'local');
    await expect(heard).resolves.toBe('local');
    expect(await kv.increment('rate:k', 60_000)).toBe(1);
    expect(await kv.increment('rate:k', 60_000)).toBe(2);
  });
});
