/** The control API (under /control): mints what my.getAuthCode and my.getPhoneNumber would give, injects faults, moves the clock. */
import type { FastifyInstance } from 'fastify';
import { badRequest, ControlError } from '../../simulator-kit/control-errors.js';
import { guardControlScope } from '../../simulator-kit/control-scope.js';
import { FaultQueue } from '../../simulator-kit/faults.js';
import { ALIPAY_APIS, type AlipayApiName, type PhoneResponseEnvelope } from '../api/wire.js';
import { aesEncrypt, rsa2Sign } from './crypto.js';
import { GATEWAY_ERRORS } from './gateway.js';
import type { AlipayFault, AlipaySimulatorState, SimApp, SimIdMode } from './state.js';

const appid = { type: 'string', minLength: 1, maxLength: 32 } as const;
const userId = { type: 'string', pattern: '^2088[0-9]{12}$' } as const;
const subject = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } as const;
const ID_MODES: readonly SimIdMode[] = ['user_id', 'open_id', 'both'];

function objectSchema(properties: Record<string, object>, required: string[] = []): object {
  return { type: 'object', properties, required, additionalProperties: false };
}

interface MintCodeBody {
  appid?: string;
  subject?: string;
  userId?: string;
}
interface PhoneBody {
  appid?: string;
  subject?: string;
  phoneNumber: string;
  /** false: the app set no content encryption, and the response is signed plain JSON. */
  encrypted?: boolean;
}
interface FaultBody extends AlipayFault {
  api: AlipayApiName;
  times?: number;
}

export async function controlRoutes(
  scope: FastifyInstance,
  { state, hosts }: { state: AlipaySimulatorState; hosts: readonly string[] },
): Promise<void> {
  guardControlScope(scope, hosts);

  // → {code, subject, userId?, openId?}: the ids alipay.system.oauth.token will answer for the app's current mode.
  const mintCodeBody = objectSchema({ appid, subject, userId });
  scope.post<{ Body: MintCodeBody }>('/codes', { schema: { body: mintCodeBody } }, async (request) => {
    const app = knownApp(state, request.body.appid);
    const user = state.userFor(app.appid, request.body);
    const ids = state.idsOf(app, user);
    const code = state.mintCode(app.appid, user);
    return {
      code,
      subject: ids.open_id ?? ids.user_id,
      ...(ids.user_id ? { userId: ids.user_id } : {}),
      ...(ids.open_id ? { openId: ids.open_id } : {}),
    };
  });

  // → {response}: my.getPhoneNumber's res.response, a JSON string, signed (and encrypted) as Alipay makes it.
  const phoneBody = objectSchema(
    {
      appid,
      subject,
      phoneNumber: { type: 'string', pattern: '^[0-9]{5,20}$' },
      countryCode: { type: 'string', const: '86' },
      encrypted: { type: 'boolean' },
    },
    ['phoneNumber'],
  );
  scope.post<{ Body: PhoneBody }>('/phone', { schema: { body: phoneBody } }, async (request) => {
    const app = knownApp(state, request.body.appid);
    const plain = JSON.stringify({ code: '10000', msg: 'Success', mobile: request.body.phoneNumber });
    const encrypted = request.body.encrypted ?? true;
    const content = encrypted ? aesEncrypt(plain, app.encryptKey) : plain;
    const signed = encrypted ? JSON.stringify(content) : content;
    const envelope: PhoneResponseEnvelope = {
      response: content,
      sign: rsa2Sign(signed, app.alipayKeys.privateKey),
      sign_type: 'RSA2',
      ...(encrypted ? { encrypt_type: 'AES' } : {}),
      charset: 'UTF-8',
    };
    return { response: JSON.stringify(envelope) };
  });

  // Simulator extension: the console's "openid配置管理" (move to open_id, whitelist/grey stage, roll back to user_id).
  const idModeBody = objectSchema({ appid, idMode: { type: 'string', enum: ID_MODES } }, ['idMode']);
  scope.post<{ Body: { appid?: string; idMode: SimIdMode } }>('/id-mode', { schema: { body: idModeBody } }, async (request) => {
    const app = knownApp(state, request.body.appid);
    app.idMode = request.body.idMode;
    return { appid: app.appid, idMode: app.idMode };
  });

  const faultBody = objectSchema(
    {
      api: { type: 'string', enum: ALIPAY_APIS },
      error: { type: 'string', enum: Object.keys(GATEWAY_ERRORS) },
      delayMs: { type: 'integer', minimum: 0, maximum: 60_000 },
      body: { type: 'string', maxLength: 65_536 },
      badSignature: { type: 'boolean' },
      times: { type: 'integer', minimum: 1, maximum: 1000 },
    },
    ['api'],
  );
  scope.post<{ Body: FaultBody }>('/faults', { schema: { body: faultBody } }, async (request, reply) => {
    const { api, times = 1, ...fault } = request.body;
    const answers = [fault.error, fault.body, fault.badSignature || undefined].filter((given) => given !== undefined);
    if (answers.length === 0 && fault.delayMs === undefined) throw badRequest('a fault needs error, body, badSignature or delayMs');
    if (answers.length > 1) throw badRequest('give one of error, body and badSignature');
    state.faults.add(api, fault, times);
    return reply.code(204).send();
  });

  scope.delete('/faults', async (_request, reply) => {
    state.faults = new FaultQueue();
    return reply.code(204).send();
  });

  scope.post<{ Body: { advanceSeconds: number } }>(
    '/clock',
    { schema: { body: objectSchema({ advanceSeconds: { type: 'integer', minimum: 0 } }, ['advanceSeconds']) } },
    async (request) => {
      state.clock.advance(request.body.advanceSeconds);
      return { now: state.clock.nowSeconds() };
    },
  );
}

function knownApp(state: AlipaySimulatorState, appid: string | undefined): SimApp {
  const app = state.apps.get(appid ?? state.defaultAppid);
  if (app === undefined) {
    throw new ControlError(404, 'UNKNOWN_APP', `the simulator knows no app ${appid}; it knows ${[...state.apps.keys()].join(', ')}`);
  }
  return app;
}
