import { LRUCache } from 'lru-cache';

/**
 * An LRU cache of at most `entries` entries (each dropped `ttlMs` after it was set, when given) whose memory follows
 * its use. Given `max`, lru-cache allocates for every entry up front (about 1 MiB per 50,000, taken at start-up by an
 * idle server); a `maxSize` of one unit per entry bounds it the same way and grows only as it fills.
 */
export function growingLru<K extends {}, V extends {}>(entries: number, ttlMs?: number): LRUCache<K, V> {
  return new LRUCache<K, V>({ maxSize: entries, sizeCalculation: () => 1, ...(ttlMs === undefined ? {} : { ttl: ttlMs }) });
}
