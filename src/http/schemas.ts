/**
 * JSON schemas shared by routes. Response schemas double as an allow-list: fast-json-stringify writes only the
 * properties named here, so a field added to a domain object never leaks by accident.
 */
export const phoneSchema = {
  type: 'object',
  required: ['phoneNumber', 'purePhoneNumber', 'countryCode'],
  properties: {
    phoneNumber: { type: 'string' },
    purePhoneNumber: { type: 'string' },
    countryCode: { type: 'string' },
  },
} as const;

export const userSchema = {
  type: 'object',
  required: ['id', 'nickname', 'avatarUrl', 'phoneBound', 'phone', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'string' },
    nickname: { type: ['string', 'null'] },
    avatarUrl: { type: ['string', 'null'] },
    phoneBound: { type: 'boolean' },
    phone: { anyOf: [{ type: 'null' }, phoneSchema] },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
} as const;

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
} as const;

export const errorResponseSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        requestId: { type: 'string' },
        details: { type: 'object', additionalProperties: true },
      },
    },
  },
} as const;

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
