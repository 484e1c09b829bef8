#!/usr/bin/env node
// The `weapp-auth` command. An installed package runs its build; a fresh clone has no build until `npm run build`
// (or `npm start`), so there the TypeScript sources run through tsx, a dev dependency a clone's `npm install` brings.
import { existsSync } from 'node:fs';

const built = new URL('../dist/cli.js', import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/cli.ts', import.meta.url).href);
}
