/** POST /wxa/business/getuserphonenumber: getPhoneNumber button code → phone number. */
import type { FastifyInstance } from 'fastify';
import { ERRCODE, type PhoneNumberResponse } from '../../api/wire.js';
import type { SimulatorState } from '../state.js';
import { WechatError } from '../wechat-errors.js';
import { bodyString, queryParam, wechatRoute } from '../wechat-route.js';

export function phoneRoutes(scope: FastifyInstance, state: SimulatorState): void {
  wechatRoute(scope, state, 'getuserphonenumber', (call): PhoneNumberResponse => {
    const nowMs = state.clock.nowMs();
    const appid = state.tokens.verify(queryParam(call, 'access_token'), nowMs);
    const code = bodyString(call, 'code');
    if (!code) throw new WechatError(ERRCODE.CODE_MISSING);
    const phoneInfo = state.phoneCodes.redeem(appid, code, bodyString(call, 'openid'), nowMs);
    return { errcode: ERRCODE.OK, errmsg: 'ok', phone_info: phoneInfo };
  });
}
