import type {
  ErrorBody,
  IntrospectionRequest,
  IntrospectionResponse,
  LoginRequest,
  PhoneNumber,
  RefreshRequest,
  TokenResponse,
  User,
} from '../contract/api.js';

/**
 * JSON schemas shared by routes. Response schemas double as an allow-list: fast-json-stringify writes only the
 * properties named here, so a field added to a domain object never leaks by accident. Each object schema
 * `satisfies ObjectSchema<T>` of the contract's type T, so the two cannot drift apart (test/contract checks that
 * `required` lists every required property too).
 */

/** The keys of T that are not optional. */
export type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];

/** A schema of an object of type T: a property for each of T's and no other; `required` names only required ones. */
type ObjectSchema<T> = {
  readonly type: 'object';
  readonly properties: { readonly [K in keyof T]-?: object };
  /** Requirements between optional properties (one of several is needed). */
  readonly anyOf?: readonly { readonly required: readonly (keyof T)[] }[];
} & ([RequiredKeys<T>] extends [never]
  ? // OpenAPI 3.0 refuses an empty `required`.
    { readonly required?: never }
  : { readonly required: readonly RequiredKeys<T>[] });

export const phoneSchema = {
  type: 'object',
  required: ['phoneNumber', 'purePhoneNumber', 'countryCode'],
  properties: {
    phoneNumber: { type: 'string' },
    purePhoneNumber: { type: 'string' },
    countryCode: { type: 'string' },
  },
} as const satisfies ObjectSchema<PhoneNumber>;

export const userSchema = {
  type: 'object',
  required: ['id', 'nickname', 'avatarUrl', 'phoneBound', 'guest', 'phone', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'string' },
    nickname: { type: ['string', 'null'] },
    avatarUrl: { type: ['string', 'null'] },
    phoneBound: { type: 'boolean' },
    guest: { type: 'boolean' },
    phone: { anyOf: [{ type: 'null' }, phoneSchema] },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
} as const satisfies ObjectSchema<User>;

export const tokenResponseSchema = {
  type: 'object',
  required: ['accessToken', 'refreshToken', 'tokenType', 'expiresIn', 'user', 'isNewUser'],
  properties: {
    accessToken: { type: 'string' },
    refreshToken: { type: 'string' },
    tokenType: { type: 'string', enum: ['Bearer'] },
    expiresIn: { type: 'integer' },
    user: userSchema,
    isNewUser: { type: 'boolean' },
  },
} as const satisfies ObjectSchema<TokenResponse>;

/** A platform's one-time code: wx.login's are 32 characters today; leave room, but not for a megabyte. */
const oneTimeCode = { type: 'string', minLength: 1, maxLength: 256, pattern: '^[\\x21-\\x7e]+$' } as const;

export const loginRequestSchema = {
  type: 'object',
  // A Douyin guest has only the anonymousCode; everyone else has a code.
  anyOf: [{ required: ['code'] }, { required: ['anonymousCode'] }],
  properties: {
    code: oneTimeCode,
    anonymousCode: oneTimeCode,
    provider: { type: 'string', pattern: '^[a-z][a-z0-9-]{1,31}$' },
    // Each platform spells app ids its own way (wx…, tt…, digits, keys); the configuration says which exist.
    appid: { type: 'string', pattern: '^[A-Za-z0-9_.-]{4,64}$' },
  },
} as const satisfies ObjectSchema<LoginRequest>;

export const refreshRequestSchema = {
  type: 'object',
  required: ['refreshToken'],
  properties: { refreshToken: { type: 'string', minLength: 1, maxLength: 256 } },
} as const satisfies ObjectSchema<RefreshRequest>;

export const introspectionRequestSchema = {
  type: 'object',
  required: ['token'],
  properties: { token: { type: 'string', minLength: 1, maxLength: 4096 } },
} as const satisfies ObjectSchema<IntrospectionRequest>;

/** Both answers in one schema: `active` always, the claims only when it is true. */
export type IntrospectionFields = Partial<Extract<IntrospectionResponse, { active: true }>> & { active: boolean };

export const introspectionResponseSchema = {
  type: 'object',
  required: ['active'],
  properties: {
    active: { type: 'boolean' },
    sub: { type: 'string' },
    sid: { type: 'string' },
    aud: { type: 'string' },
    idp: { type: 'string' },
    exp: { type: 'integer' },
  },
} as const satisfies ObjectSchema<IntrospectionFields>;

const errorSchema = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: { type: 'string' },
    message: { type: 'string' },
    requestId: { type: 'string' },
    details: { type: 'object', additionalProperties: true },
  },
} as const satisfies ObjectSchema<ErrorBody['error']>;

export const errorResponseSchema = {
  type: 'object',
  required: ['error'],
  properties: { error: errorSchema },
} as const satisfies ObjectSchema<ErrorBody>;

/** encryptedData + iv as the mini program gets them; lengths bounded, content checked by the decrypt step. */
export const encryptedPayloadProperties = {
  encryptedData: { type: 'string', minLength: 1, maxLength: 32_768 },
  iv: { type: 'string', minLength: 1, maxLength: 64 },
} as const;

/** OpenAPI fragments for the route modules: tag, summary and, for guarded routes, the bearer requirement. */
export function documented(
  tag: string,
  summary: string,
  guarded: boolean,
): { tags: string[]; summary: string; security?: { bearer: [] }[] } {
  return { tags: [tag], summary, ...(guarded ? { security: [{ bearer: [] }] } : {}) };
}

/** Every error status a route can answer, documented with the one error body. */
export const errorResponses = { '4xx': errorResponseSchema, '5xx': errorResponseSchema } as const;
