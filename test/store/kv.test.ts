import { randomBytes } from 'node:crypto';
import { MemoryKv } from '../../src/store/kv.js';
import { RedisKv } from '../../src/store/kv-redis.js';
import { defineKvConformance } from './kv-conformance.js';

const REDIS_URL = process.env.WEAPP_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

defineKvConformance('memory', () => new MemoryKv());
// A prefix of its own per run: parallel files and reruns share the one Redis without seeing each other's keys.
defineKvConformance('redis', () => new RedisKv(REDIS_URL, `weapp-test:${randomBytes(6).toString('hex')}:`));
