import { createRequire } from 'node:module';

/** weapp-auth's own version, from package.json (two levels above src/lib/ and dist/lib/). */
export const VERSION: string = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
