/** The control API (under /control): mints what the phone would produce, injects faults, moves the clock. */
import type { FastifyInstance } from 'fastify';
import { badRequest, ControlError } from '../../../simulator-kit/control-errors.js';
import { guardControlScope } from '../../../simulator-kit/control-scope.js';
import { type EncryptedUserData, encryptUserData } from '../../../simulator-kit/user-data.js';
import type { Watermark, WechatApiName } from '../../api/wire.js';
import { clockBody, encryptBody, faultBody, mintCodeBody, mintPhoneCodeBody } from '../control-schemas.js';
import { WechatFaults } from '../faults.js';
import type { SimUser } from '../logins.js';
import { resetState, type SimulatorState } from '../state.js';

interface AppBody {
  appid?: string;
}
interface MintCodeBody extends AppBody {
  openid?: string;
  unionid?: string;
  sessionKey?: string;
}
interface MintPhoneCodeBody extends AppBody {
  openid?: string;
  phoneNumber: string;
  countryCode?: string;
}
interface EncryptBody extends AppBody {
  openid: string;
  data: Record<string, unknown>;
}
interface FaultBody {
  api: WechatApiName;
  errcode?: number;
  errmsg?: string;
  delayMs?: number;
  times?: number;
  body?: string;
  contentType?: string;
}

export async function controlRoutes(
  scope: FastifyInstance,
  { state, hosts }: { state: SimulatorState; hosts: readonly string[] },
): Promise<void> {
  guardControlScope(scope, hosts);

  scope.post<{ Body: MintCodeBody }>('/codes', { schema: { body: mintCodeBody } }, async (request) => {
    const { openid, unionid, sessionKey } = request.body;
    const appid = knownApp(state, request.body.appid);
    const { code, user } = state.logins.mint(appid, { openid, unionid, sessionKey }, state.clock.nowMs());
    const union = user.unionid === undefined ? {} : { unionid: user.unionid };
    return { code, openid: user.openid, ...union, sessionKey: user.sessionKey };
  });

  scope.post<{ Body: MintPhoneCodeBody }>('/phone-codes', { schema: { body: mintPhoneCodeBody } }, async (request) => {
    const { openid, phoneNumber, countryCode = '86' } = request.body;
    const appid = knownApp(state, request.body.appid);
    if (openid !== undefined) knownUser(state, appid, openid);
    const code = state.phoneCodes.mint(appid, { openid, purePhoneNumber: phoneNumber, countryCode }, state.clock.nowMs());
    return { code };
  });

  scope.post<{ Body: EncryptBody }>('/encrypt', { schema: { body: encryptBody } }, async (request): Promise<EncryptedUserData> => {
    const appid = knownApp(state, request.body.appid);
    const user = knownUser(state, appid, request.body.openid);
    const watermark: Watermark = { appid, timestamp: state.clock.nowSeconds() };
    return encryptUserData(user.sessionKey, { ...request.body.data, watermark });
  });

  scope.post<{ Body: FaultBody }>('/faults', { schema: { body: faultBody } }, async (request, reply) => {
    const { api, times = 1, ...fault } = request.body;
    if (fault.errcode === undefined && fault.delayMs === undefined && fault.body === undefined) {
      throw badRequest('a fault needs errcode, delayMs or body');
    }
    if (fault.errcode !== undefined && fault.body !== undefined) throw badRequest('give errcode or body, not both');
    if (fault.contentType !== undefined && fault.body === undefined) throw badRequest('contentType applies only with body');
    if (fault.errmsg !== undefined && fault.errcode === undefined) throw badRequest('errmsg applies only with errcode');
    state.faults.add(api, fault, times);
    return reply.code(204).send();
  });

  scope.delete('/faults', async (_request, reply) => {
    state.faults = new WechatFaults();
    return reply.code(204).send();
  });

  scope.get('/stats', async () => state.stats.snapshot());

  scope.post('/reset', async (_request, reply) => {
    resetState(state);
    return reply.code(204).send();
  });

  // Simulator extension: WeChat has no such endpoint.
  scope.post<{ Body: { advanceSeconds: number } }>('/clock', { schema: { body: clockBody } }, async (request) => {
    state.clock.advance(request.body.advanceSeconds);
    return { now: state.clock.nowSeconds() };
  });
}

function knownApp(state: SimulatorState, appid: string | undefined): string {
  if (appid === undefined) return state.apps.defaultAppid;
  if (!state.apps.has(appid)) {
    const known = state.apps.appids().join(', ');
    throw new ControlError(404, 'UNKNOWN_APP', `the simulator knows no app ${appid}; it knows ${known}`);
  }
  return appid;
}

function knownUser(state: SimulatorState, appid: string, openid: string): SimUser {
  const user = state.logins.user(appid, openid);
  if (!user) throw new ControlError(404, 'UNKNOWN_USER', `no user ${openid} in app ${appid}: mint a code for it first`);
  return user;
}
