/** GET /wxa/checksession and GET /wxa/resetusersessionkey: both prove knowledge of the current session_key. */
import type { FastifyInstance } from 'fastify';
import { ERRCODE, type ResetSessionKeyResponse, type WireError } from '../../api/wire.js';
import { signatureMatches } from '../crypto.js';
import type { SimUser } from '../logins.js';
import type { SimulatorState } from '../state.js';
import { WechatError } from '../wechat-errors.js';
import { queryParam, type ReceivedCall, wechatRoute } from '../wechat-route.js';

const SIG_METHOD = 'hmac_sha256';

export function sessionKeyRoutes(scope: FastifyInstance, state: SimulatorState): void {
  wechatRoute(scope, state, 'checksession', (call): WireError => {
    signedUser(state, call);
    return { errcode: ERRCODE.OK, errmsg: 'ok' };
  });

  wechatRoute(scope, state, 'resetusersessionkey', (call): ResetSessionKeyResponse => {
    const user = signedUser(state, call);
    const sessionKey = state.logins.rotateSessionKey(user);
    return { errcode: ERRCODE.OK, errmsg: 'ok', openid: user.openid, session_key: sessionKey };
  });
}

/**
 * The user whose current session_key signed the request. An unknown openid, a missing signature and a stale key
 * all answer 87009: from the caller's side each is "this signature matches no current key".
 */
function signedUser(state: SimulatorState, call: ReceivedCall): SimUser {
  const appid = state.tokens.verify(queryParam(call, 'access_token'), state.clock.nowMs());
  if (queryParam(call, 'sig_method') !== SIG_METHOD) throw new WechatError(ERRCODE.INVALID_SIG_METHOD);
  const user = state.logins.user(appid, queryParam(call, 'openid') ?? '');
  if (!user || !signatureMatches(user.sessionKey, queryParam(call, 'signature') ?? '')) {
    throw new WechatError(ERRCODE.INVALID_SIGNATURE);
  }
  return user;
}
