import type { FastifyInstance } from 'fastify';
import type { DecryptRequest, PhoneRequest } from '../../contract/api.js';
import { MAX_AVATAR_URL, type ProfileChanges } from '../../core/profile.js';
import { authOf } from '../guard.js';
import { guardedAndLimited, type RouteLimits } from '../rate-limits.js';
import { requestOrigin } from '../request-origin.js';
import { documented, encryptedPayloadProperties, errorResponses, phoneSchema, userSchema } from '../schemas.js';
import type { Services } from '../services.js';

/** GET and PATCH /api/me: the signed-in user's own profile. */
export async function meRoutes(app: FastifyInstance, services: Services, limits: RouteLimits): Promise<void> {
  app.get(
    '/api/me',
    {
      preHandler: app.authenticate,
      schema: { ...documented('user', 'The signed-in user', true), response: { 200: userSchema, ...errorResponses } },
    },
    async (request) => services.profiles.get(authOf(request).userId),
  );

  // PUT as well as PATCH, with the same partial-update meaning: wx.request cannot send PATCH.
  app.route<{ Body: ProfileChanges }>({
    method: ['PATCH', 'PUT'],
    url: '/api/me',
    preHandler: app.authenticate,
    schema: {
      ...documented('user', 'Change nickname or avatar (PUT for wx.request, which has no PATCH)', true),
      body: {
        type: 'object',
        minProperties: 1,
        additionalProperties: false,
        properties: {
          nickname: { type: ['string', 'null'], maxLength: 64 },
          avatarUrl: { type: ['string', 'null'], maxLength: MAX_AVATAR_URL },
        },
      },
      response: { 200: userSchema, ...errorResponses },
    },
    handler: async (request) => services.profiles.update(authOf(request).userId, request.body),
  });

  app.post<{ Body: PhoneRequest }>(
    '/api/me/phone',
    {
      preHandler: guardedAndLimited(app, services.limiter, limits.wechatPerUser),
      schema: {
        ...documented('user', 'Bind the phone number: a phone button code, legacy encryptedData + iv, or Alipay’s response', true),
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            code: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[\\x21-\\x7e]+$' },
            ...encryptedPayloadProperties,
            // my.getPhoneNumber's response: a JSON string holding the cipher text and Alipay's signature.
            response: { type: 'string', minLength: 1, maxLength: 8_192 },
          },
          oneOf: [{ required: ['code'] }, { required: ['encryptedData', 'iv'] }, { required: ['response'] }],
        },
        response: { 200: phoneSchema, ...errorResponses },
      },
    },
    async (request) => services.capabilities.bindPhone(authOf(request), request.body, requestOrigin(request)),
  );

  // The same route under WeChat's older name, which clients of 0.1 call.
  const decryptRoutes = [
    { url: '/api/me/decrypt', tag: 'user', summary: 'Decrypt encryptedData with the session’s stored key, on any platform that has it' },
    {
      url: '/api/wechat/decrypt',
      tag: 'wechat',
      summary: 'Decrypt encryptedData (WeRun, share info) with the stored session_key, watermark checked',
    },
  ] as const;
  for (const { url, tag, summary } of decryptRoutes) {
    app.post<{ Body: DecryptRequest }>(
      url,
      {
        preHandler: guardedAndLimited(app, services.limiter, limits.wechatPerUser),
        schema: {
          ...documented(tag, summary, true),
          body: { type: 'object', additionalProperties: false, required: ['encryptedData', 'iv'], properties: encryptedPayloadProperties },
          response: { 200: { type: 'object', additionalProperties: true }, ...errorResponses },
        },
      },
      async (request) => services.capabilities.decrypt(authOf(request), request.body, requestOrigin(request)),
    );
  }
}
