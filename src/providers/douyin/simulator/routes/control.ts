/** The control API (under /control), per the simulators' convention: mint what tt.login and the phone button give. */
import type { FastifyInstance } from 'fastify';
import { ControlError } from '../../../simulator-kit/control-errors.js';
import { guardControlScope } from '../../../simulator-kit/control-scope.js';
import { FaultQueue } from '../../../simulator-kit/faults.js';
import { encryptUserData } from '../../../simulator-kit/user-data.js';
import { DOUYIN_APIS } from '../../api/wire.js';
import type { DouyinSimulatorState } from '../state.js';

const id = { type: 'string', pattern: '^[A-Za-z0-9_:-]{1,128}$' } as const;
const appid = { type: 'string', minLength: 1, maxLength: 64 } as const;
const object = (properties: Record<string, object>, required: string[] = []): object => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});

interface CodesBody {
  appid?: string;
  subject?: string;
  unionid?: string;
  guest?: boolean;
  device?: string;
  /** The session_key this login hands out (16 bytes, base64); a random one when absent. */
  sessionKey?: string;
}
interface PhoneBody {
  appid?: string;
  subject: string;
  phoneNumber: string;
  countryCode?: string;
  /** The legacy button's encryptedData + iv instead of the new button's code. */
  legacy?: boolean;
}
interface FaultBody {
  api: (typeof DOUYIN_APIS)[number];
  errNo?: number;
  delayMs?: number;
  times?: number;
}

export async function douyinControlRoutes(
  scope: FastifyInstance,
  { state, hosts }: { state: DouyinSimulatorState; hosts: readonly string[] },
): Promise<void> {
  guardControlScope(scope, hosts);

  const knownApp = (given: string | undefined): string => {
    if (given === undefined) return state.defaultAppid;
    if (!state.apps.has(given))
      throw new ControlError(404, 'UNKNOWN_APP', `the simulator knows no app ${given}; it knows ${[...state.apps.keys()].join(', ')}`);
    return given;
  };

  const codesSchema = object({
    appid,
    subject: id,
    unionid: id,
    guest: { type: 'boolean' },
    device: id,
    sessionKey: { type: 'string', pattern: '^[A-Za-z0-9+/]{21}[AQgw]==$' },
  });
  scope.post<{ Body: CodesBody }>('/codes', { schema: { body: codesSchema } }, async (request) => {
    const app = knownApp(request.body.appid);
    const { subject, unionid, guest = false, device, sessionKey } = request.body;
    if (guest && (subject !== undefined || unionid !== undefined))
      throw new ControlError(400, 'BAD_REQUEST', 'a guest has no subject or unionid');
    const anonymous = state.mintAnonymous(app, device);
    if (guest) return { code: '', subject: '', ...anonymous };
    const { code, person } = state.mintLogin(app, {
      ...(subject ? { openid: subject } : {}),
      ...(unionid ? { unionid } : {}),
      ...(sessionKey ? { sessionKey } : {}),
    });
    return { code, subject: person.openid, ...(person.unionid === undefined ? {} : { unionid: person.unionid }), ...anonymous };
  });

  const phoneSchema = object(
    {
      appid,
      subject: id,
      phoneNumber: { type: 'string', pattern: '^[0-9]{4,20}$' },
      countryCode: { type: 'string', pattern: '^[1-9][0-9]{0,3}$' },
      legacy: { type: 'boolean' },
    },
    ['subject', 'phoneNumber'],
  );
  scope.post<{ Body: PhoneBody }>('/phone', { schema: { body: phoneSchema } }, async (request) => {
    const app = knownApp(request.body.appid);
    const { subject, phoneNumber, countryCode = '86', legacy = false } = request.body;
    const person = state.person(app, subject);
    if (person === undefined) throw new ControlError(404, 'UNKNOWN_USER', `no user ${subject} in app ${app}: mint a code for it first`);
    const phone = { purePhoneNumber: phoneNumber, countryCode };
    if (legacy) return encryptUserData(person.sessionKey, state.legacyPhone(app, person, phone));
    return { code: state.mintPhone(app, { ...phone, openid: subject }) };
  });

  const faultSchema = object(
    {
      api: { type: 'string', enum: [...DOUYIN_APIS] },
      errNo: { type: 'integer', not: { const: 0 } },
      delayMs: { type: 'integer', minimum: 0, maximum: 600_000 },
      times: { type: 'integer', minimum: 1, maximum: 10_000 },
    },
    ['api'],
  );
  scope.post<{ Body: FaultBody }>('/faults', { schema: { body: faultSchema } }, async (request, reply) => {
    const { api, times = 1, ...fault } = request.body;
    if (fault.errNo === undefined && fault.delayMs === undefined)
      throw new ControlError(400, 'BAD_REQUEST', 'a fault needs errNo or delayMs');
    state.faults.add(api, fault, times);
    return reply.code(204).send();
  });

  scope.delete('/faults', async (_request, reply) => {
    state.faults = new FaultQueue();
    return reply.code(204).send();
  });

  scope.get('/stats', async () => state.stats.snapshot());

  const clockSchema = object({ advanceSeconds: { type: 'integer', minimum: 0, maximum: 10 * 366 * 86400 } }, ['advanceSeconds']);
  scope.post<{ Body: { advanceSeconds: number } }>('/clock', { schema: { body: clockSchema } }, async (request) => {
    state.clock.advance(request.body.advanceSeconds);
    return { now: state.clock.nowSeconds() };
  });
}
