import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, ERROR_STATUS } from '../../src/contract/errors/index.js';

describe('README error table', () => {
  it('lists every error code with the status the server answers', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const rows = new Map([...readme.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]));
    expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(ERROR_CODES.map((code) => [code, ERROR_STATUS[code]])));
  });
});
