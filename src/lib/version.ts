import { createRequire } from 'node:module';

/**
 * weapp-auth's own version, from its package.json reached through the package's own name (a self-reference, which
 * `exports` allows): the same from src/, from dist/ and from the bundled CLI, wherever each file sits.
 */
export const VERSION: string = (createRequire(import.meta.url)('weapp-auth/package.json') as { version: string }).version;
