import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * Loads a CommonJS package when it is first needed instead of at start-up: the PostgreSQL, MySQL and Redis drivers
 * cost a SQLite deployment without Redis memory and start-up time it never uses them for.
 */
export function loadWhenNeeded<Module>(name: 'pg' | 'mysql2' | 'ioredis'): Module {
  return require(name) as Module;
}
