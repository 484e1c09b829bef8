import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { User as SdkUser } from '../../src/client/index.js';
import type {
  ErrorBody,
  IntrospectionRequest,
  LoginRequest,
  PhoneNumber,
  RefreshRequest,
  TokenResponse,
  User,
} from '../../src/contract/api.js';
import { readBearerHeader } from '../../src/contract/bearer.js';
import { LEGACY_PROVIDER, readAccessTokenClaims } from '../../src/contract/claims.js';
import { defineErrorCodes, mergeErrorCodes } from '../../src/contract/errors/define.js';
import { ERROR_CODES, ERROR_STATUS, type ErrorCode } from '../../src/contract/errors/index.js';
import type { ClientErrorCode } from '../../src/contract/errors/sdk.js';
import { type UnavailableCode, VERIFIER_ERROR_STATUS } from '../../src/contract/errors/verifier.js';
import type { PublicUser } from '../../src/core/profile.js';
import type { MESSAGES_ZH } from '../../src/http/messages-zh.js';
import type {
  errorResponseSchema,
  IntrospectionFields,
  introspectionRequestSchema,
  introspectionResponseSchema,
  loginRequestSchema,
  phoneSchema,
  RequiredKeys,
  refreshRequestSchema,
  tokenResponseSchema,
  userSchema,
} from '../../src/http/schemas.js';

const src = fileURLToPath(new URL('../../src', import.meta.url));

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Every module a file names: imports, re-exports, `import()` and `import type`, as TypeScript itself reads them. */
function importsOf(file: string): string[] {
  return ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((imported) => imported.fileName);
}

/** `src/`-relative folder of a relative import (`contract`, `client`, …), or the package name of a bare one. */
function target(file: string, specifier: string): { folder: string } | { pkg: string } {
  if (!specifier.startsWith('.')) return { pkg: specifier };
  const path = relative(src, resolve(dirname(file), specifier));
  return { folder: path.startsWith('..') ? path : (path.split('/')[0] ?? '') };
}

/** What each of the folder's files imports that the rule refuses, as `file → import`. */
function violations(folder: string, allowed: (to: { folder: string } | { pkg: string }) => boolean): string[] {
  return filesUnder(join(src, folder)).flatMap((file) =>
    importsOf(file)
      .filter((specifier) => !allowed(target(file, specifier)))
      .map((specifier) => `${relative(src, file)} → ${specifier}`),
  );
}

describe('the contract’s place in the layers', () => {
  it('imports nothing outside src/contract: no other layer, no package, no Node module', () => {
    expect(filesUnder(join(src, 'contract')).length).toBeGreaterThan(5);
    expect(violations('contract', (to) => 'folder' in to && to.folder === 'contract')).toEqual([]);
  });

  it('is all the mini program SDK imports from the rest of src/, and the SDK imports no package', () => {
    expect(violations('client', (to) => 'folder' in to && (to.folder === 'client' || to.folder === 'contract'))).toEqual([]);
  });

  it('is all weapp-auth/verify imports from the rest of src/; jose is its one dependency', () => {
    // fastify and @nestjs/common are the frameworks its adapters plug into (types only, or an optional peer).
    const packages = new Set(['jose', 'fastify', '@nestjs/common']);
    const allowed = (to: { folder: string } | { pkg: string }): boolean =>
      'pkg' in to ? packages.has(to.pkg) || to.pkg.startsWith('node:') : to.folder === 'verify' || to.folder === 'contract';
    expect(violations('verify', allowed)).toEqual([]);
  });

  it('leaves the SDK and the verifier to their users: no server module imports them', () => {
    const server = readdirSync(src).filter((entry) => !['client', 'verify', 'contract'].includes(entry));
    const importers = server.flatMap((entry) => {
      const path = join(src, entry);
      const files = entry.endsWith('.ts') ? [path] : entry.includes('.') ? [] : filesUnder(path);
      return files.flatMap((file) =>
        importsOf(file)
          .filter((specifier) => {
            const to = target(file, specifier);
            return 'folder' in to && (to.folder === 'client' || to.folder === 'verify');
          })
          .map((specifier) => `${relative(src, file)} → ${specifier}`),
      );
    });
    expect(importers).toEqual([]);
  });
});

describe('error codes', () => {
  it('refuses a code declared by two groups, which a spread would silently overwrite', () => {
    const first = defineErrorCodes({ SOME_CODE: 400 });
    const second = defineErrorCodes({ SOME_CODE: 502, OTHER_CODE: 503 });
    expect(() => mergeErrorCodes(first, second)).toThrow('error code SOME_CODE is declared by two groups');
    expect(mergeErrorCodes(first, defineErrorCodes({ OTHER_CODE: 503 }))).toEqual({ SOME_CODE: 400, OTHER_CODE: 503 });
  });

  it('gives every code an error status, and lists each once', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    for (const code of ERROR_CODES) {
      expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(ERROR_STATUS[code]).toBeGreaterThanOrEqual(400);
    }
  });

  it('keeps statuses and Chinese messages complete at compile time, and client-side codes apart from the server’s', () => {
    // Checked by tsc (npm test runs it): a code without a status or a message, or a client code the server also
    // answers with, fails to compile.
    expectTypeOf<keyof typeof MESSAGES_ZH>().toEqualTypeOf<ErrorCode>();
    expectTypeOf(ERROR_STATUS.TOKEN_EXPIRED).toEqualTypeOf<401>();
    expectTypeOf<Extract<ClientErrorCode, ErrorCode>>().toBeNever();
    expectTypeOf<Extract<UnavailableCode, ErrorCode>>().toBeNever();
    expect(Object.keys(VERIFIER_ERROR_STATUS).filter((code) => (ERROR_CODES as readonly string[]).includes(code))).toEqual([]);
  });
});

describe('API shapes', () => {
  it('are the ones the server answers with and the SDK reads (its User had lost `phone`)', () => {
    expectTypeOf<PublicUser>().toEqualTypeOf<User>();
    expectTypeOf<SdkUser>().toEqualTypeOf<User>();
    expectTypeOf<SdkUser['phone']>().toEqualTypeOf<PhoneNumber | null>();
  });

  it('the server’s JSON schemas require exactly what the contract’s types require', () => {
    // Properties are checked where the schemas are declared (`satisfies ObjectSchema<T>`); `required` lists here.
    expectTypeOf<(typeof userSchema.required)[number]>().toEqualTypeOf<RequiredKeys<User>>();
    expectTypeOf<(typeof phoneSchema.required)[number]>().toEqualTypeOf<RequiredKeys<PhoneNumber>>();
    expectTypeOf<(typeof tokenResponseSchema.required)[number]>().toEqualTypeOf<RequiredKeys<TokenResponse>>();
    // A login needs one of two optional codes: the schema says which in anyOf, the type cannot.
    expectTypeOf<RequiredKeys<LoginRequest>>().toEqualTypeOf<never>();
    expectTypeOf<(typeof loginRequestSchema.anyOf)[number]['required'][number]>().toEqualTypeOf<'code' | 'anonymousCode'>();
    expectTypeOf<(typeof refreshRequestSchema.required)[number]>().toEqualTypeOf<RequiredKeys<RefreshRequest>>();
    expectTypeOf<(typeof introspectionRequestSchema.required)[number]>().toEqualTypeOf<RequiredKeys<IntrospectionRequest>>();
    expectTypeOf<(typeof introspectionResponseSchema.required)[number]>().toEqualTypeOf<RequiredKeys<IntrospectionFields>>();
    expectTypeOf<(typeof errorResponseSchema.required)[number]>().toEqualTypeOf<RequiredKeys<ErrorBody>>();
    expectTypeOf<(typeof errorResponseSchema.properties.error.required)[number]>().toEqualTypeOf<RequiredKeys<ErrorBody['error']>>();
  });
});

describe('the Bearer header, read alike by the server’s guard and the verifier', () => {
  const jwt = 'eyJh.eyJz.c2ln';

  it('takes one JWT after the scheme, in any case', () => {
    expect(readBearerHeader(`Bearer ${jwt}`)).toEqual({ token: jwt });
    expect(readBearerHeader(`bearer  ${jwt} `)).toEqual({ token: jwt });
  });

  it('answers TOKEN_MISSING without a header and TOKEN_INVALID for anything else', () => {
    expect(readBearerHeader(undefined)).toMatchObject({ refusal: 'TOKEN_MISSING' });
    expect(readBearerHeader('')).toMatchObject({ refusal: 'TOKEN_MISSING' });
    for (const header of [`Basic ${jwt}`, 'Bearer abc', `Bearer ${jwt}.more`, `Bearer ${jwt}, Bearer ${jwt}`, [`Bearer ${jwt}`]]) {
      expect(readBearerHeader(header)).toMatchObject({ refusal: 'TOKEN_INVALID' });
    }
  });
});

describe('access token claims', () => {
  const claims = { iss: 'weapp-auth', aud: 'wx1', sub: 'u1', sid: 's1', idp: 'wechat', iat: 1000, exp: 1900, jti: 'j1' };

  it('reads a token as the server issues it', () => {
    expect(readAccessTokenClaims(claims)).toEqual(claims);
  });

  it('names the legacy provider for a token without idp, the first audience of several, and drops a jti not a string', () => {
    const { idp: _idp, jti: _jti, ...legacy } = claims;
    expect(readAccessTokenClaims(legacy)).toEqual({ ...legacy, idp: LEGACY_PROVIDER });
    expect(readAccessTokenClaims({ ...claims, aud: ['wx2', 'wx1'] })?.aud).toBe('wx2');
    expect(readAccessTokenClaims({ ...claims, jti: 7 })).not.toHaveProperty('jti');
  });

  it('refuses a token lacking a claim, or holding one of the wrong type', () => {
    for (const name of ['iss', 'aud', 'sub', 'sid', 'iat', 'exp'] as const) {
      const { [name]: _dropped, ...lacking } = claims;
      expect(readAccessTokenClaims(lacking)).toBeUndefined();
    }
    expect(readAccessTokenClaims({ ...claims, idp: null })).toBeUndefined();
    expect(readAccessTokenClaims({ ...claims, exp: '1900' })).toBeUndefined();
    expect(readAccessTokenClaims({ ...claims, aud: [] })).toBeUndefined();
  });
});
