import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * Loads a package (its CommonJS build) when it is first needed instead of at start-up: the PostgreSQL, MySQL and
 * Redis drivers and alipay-sdk cost a deployment that does not use them memory and start-up time.
 */
export function loadWhenNeeded<Module>(name: 'pg' | 'mysql2' | 'ioredis' | 'alipay-sdk'): Module {
  return require(name) as Module;
}
