/** GET /cgi-bin/token and POST /cgi-bin/stable_token: app credentials → access_token. */
import type { FastifyInstance } from 'fastify';
import { ERRCODE } from '../../api/wire.js';
import type { SimulatorState } from '../state.js';
import { WechatError } from '../wechat-errors.js';
import { bodyString, queryParam, wechatRoute } from '../wechat-route.js';

const GRANT_TYPE = 'client_credential';

export function tokenRoutes(scope: FastifyInstance, state: SimulatorState): void {
  wechatRoute(scope, state, 'token', (call) => {
    const appid = state.apps.authenticate(queryParam(call, 'appid'), queryParam(call, 'secret'));
    requireGrantType(queryParam(call, 'grant_type'));
    return state.tokens.fetchPlain(appid, state.clock.nowMs());
  });

  // Reads the JSON body only: parameters sent in the query string leave the body without appid → 41002.
  wechatRoute(scope, state, 'stable_token', (call) => {
    const appid = state.apps.authenticate(bodyString(call, 'appid'), bodyString(call, 'secret'));
    requireGrantType(bodyString(call, 'grant_type'));
    const forceRefresh = call.body['force_refresh'] ?? false;
    if (typeof forceRefresh !== 'boolean') throw new WechatError(ERRCODE.DATA_FORMAT_ERROR);
    return state.tokens.fetchStable(appid, forceRefresh, state.clock.nowMs());
  });
}

function requireGrantType(grantType: string | undefined): void {
  if (grantType !== GRANT_TYPE) throw new WechatError(ERRCODE.INVALID_GRANT_TYPE);
}
