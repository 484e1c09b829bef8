/** The page's masking, run in Node: the same module the browser loads. */
import { describe, expect, it } from 'vitest';

interface MaskModule {
  maskSecret(value: unknown): unknown;
  maskSecrets(value: unknown, parent?: string): unknown;
}
const { maskSecret, maskSecrets } = (await import(new URL('../../src/playground/static/mask.js', import.meta.url).href)) as MaskModule;

const JWT = `eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ1c2VyIn0.${'s'.repeat(82)}WXYZ`;

describe('maskSecrets', () => {
  it('keeps the first 6 characters of each secret field, at any depth', () => {
    const masked = maskSecrets({
      refreshToken: 'dzmGpS8xQ1c2V3VzZXJ0b2tlbg',
      user: { id: 'u1', phone: null },
      list: [{ sessionKey: 'tiihtNczf5v6AKRyjwEUhQ==' }],
      code: '0716AVll20uHk94SLDml27etM946AVlq',
      encryptedData: 'CiyLU1Aw2KjvrjMdj8YKliAjtP4gsMZM',
      iv: 'r7BXXKkLb8qrSNn05n0qiA==',
      anonymousCode: 'a1b2c3d4e5f6a7b8c9d0',
      response: '{"response":"sealed","sign":"abc"}',
    });
    expect(masked).toEqual({
      refreshToken: 'dzmGpS…',
      user: { id: 'u1', phone: null },
      list: [{ sessionKey: 'tiihtN…' }],
      code: '0716AV…',
      encryptedData: 'CiyLU1…',
      iv: 'r7BXXKkLb8qrSNn05n0qiA==',
      anonymousCode: 'a1b2c3…',
      response: '{"resp…',
    });
  });

  it('keeps a JWT’s first 6 and last 4 characters (every JWT starts alike), and masks one under any name', () => {
    expect(maskSecrets({ accessToken: JWT, note: JWT })).toEqual({ accessToken: 'eyJhbG…WXYZ', note: 'eyJhbG…WXYZ' });
    expect(maskSecret(`Bearer ${JWT}`)).toBe('Bearer eyJhbG…WXYZ');
  });

  it('leaves an error’s code readable', () => {
    const error = { error: { code: 'TOKEN_INVALID', message: 'the access token is not valid' } };
    expect(maskSecrets(error)).toEqual(error);
  });

  it('hides short secrets entirely and leaves non-strings alone', () => {
    expect(maskSecrets({ code: 'abc', token: 42, accessToken: null })).toEqual({ code: '•••', token: 42, accessToken: null });
  });
});
