import { createRequire } from 'node:module';

/** weapp-auth's own version, from package.json (one level above both src/ and dist/). */
export const VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
