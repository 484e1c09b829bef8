import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryKv } from '../../src/store/kv.js';
import { RedisKv } from '../../src/store/kv-redis.js';
import { defineKvConformance } from './kv-conformance.js';

const REDIS_URL = process.env.WEAPP_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

defineKvConformance('memory', () => new MemoryKv());
// A prefix of its own per run: parallel files and reruns share the one Redis without seeing each other's keys.
defineKvConformance('redis', () => new RedisKv(REDIS_URL, `weapp-test:${randomBytes(6).toString('hex')}:`));

describe('MemoryKv', () => {
  it('sweeps expired entries that are never read again, so memory stays bounded', async () => {
    const kv = new MemoryKv();
    for (let i = 0; i < 999; i += 1) await kv.set(`spent-code-${i}`, 'x', 1);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(kv.size).toBe(999);
    await kv.set('live', 'y', 60_000); // the 1,000th write sweeps
    expect(kv.size).toBe(1);
    expect(await kv.get('live')).toBe('y');
  });
});
