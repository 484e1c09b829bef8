/** GET /sns/jscode2session: wx.login code → openid + session_key (+ unionid). */
import type { FastifyInstance } from 'fastify';
import { ERRCODE } from '../../api/wire.js';
import type { SimulatorState } from '../state.js';
import { WechatError } from '../wechat-errors.js';
import { queryParam, wechatRoute } from '../wechat-route.js';

export function loginRoutes(scope: FastifyInstance, state: SimulatorState): void {
  wechatRoute(scope, state, 'jscode2session', (call) => {
    // grant_type is not checked: WeChat documents it as fixed and SDKs always send it.
    const appid = state.apps.authenticate(queryParam(call, 'appid'), queryParam(call, 'secret'));
    const code = queryParam(call, 'js_code');
    if (!code) throw new WechatError(ERRCODE.CODE_MISSING);
    return state.logins.exchange(appid, code, state.clock.nowMs());
  });
}
