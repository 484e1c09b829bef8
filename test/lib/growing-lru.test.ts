import { describe, expect, it } from 'vitest';
import { growingLru } from '../../src/lib/growing-lru.js';

describe('growingLru', () => {
  it('holds at most its entries, dropping the least recently used', () => {
    const cache = growingLru<string, number>(3);
    for (const key of ['a', 'b', 'c']) cache.set(key, 1);
    cache.get('a');
    cache.set('d', 1);
    expect([...cache.keys()].sort()).toEqual(['a', 'c', 'd']);
    for (let i = 0; i < 1000; i += 1) cache.set(`k${i}`, i);
    expect(cache.size).toBe(3);
  });

  it('drops an entry once its time to live has passed', async () => {
    const cache = growingLru<string, number>(10, 20);
    cache.set('a', 1);
    expect(cache.get('a')).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(cache.get('a')).toBeUndefined();
  });
});
