/** Douyin's APIs at their own paths, answered as Douyin does: HTTP 200, {err_no, err_tips, log_id, data}. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { parseJsonObject } from '../../../simulator-kit/body.js';
import { ACCESS_TOKEN_HEADER, DOUYIN_PATHS, type DouyinApiName, ERR_NO } from '../../api/wire.js';
import { DouyinError, type DouyinSimulatorState, newLogId } from '../state.js';

type Handler = (body: Record<string, unknown>, headers: Record<string, unknown>) => unknown;

export async function douyinApiRoutes(scope: FastifyInstance, { state }: { state: DouyinSimulatorState }): Promise<void> {
  const route = (api: DouyinApiName, handler: Handler): void => {
    scope.post(DOUYIN_PATHS[api], async (request) => {
      state.stats.record(api);
      const fault = state.faults.take(api);
      // Unref'd so a hanging fault never keeps a closing process alive.
      if (fault?.delayMs) await sleep(fault.delayMs, undefined, { ref: false });
      const logId = newLogId(state.clock.nowMs());
      try {
        if (fault?.errNo !== undefined) throw new DouyinError(fault.errNo);
        const body = parseJsonObject(typeof request.body === 'string' ? request.body : '');
        if (body === undefined) throw new DouyinError(ERR_NO.BAD_PARAMS);
        return { err_no: ERR_NO.OK, err_tips: 'success', log_id: logId, data: handler(body, request.headers) };
      } catch (error) {
        if (!(error instanceof DouyinError)) throw error;
        return { err_no: error.errNo, err_tips: error.message, log_id: logId, data: {} };
      }
    });
  };

  route('jscode2session', (body) => {
    const appid = state.authenticate(body.appid, body.secret);
    const code = body.code ?? '';
    const anonymousCode = body.anonymous_code ?? '';
    if (typeof code !== 'string' || typeof anonymousCode !== 'string') throw new DouyinError(ERR_NO.BAD_PARAMS);
    return state.exchange(appid, code, anonymousCode);
  });

  route('token', (body) => {
    const appid = state.authenticate(body.appid, body.secret);
    if (body.grant_type !== 'client_credential') throw new DouyinError(ERR_NO.BAD_GRANT_TYPE);
    return state.issueToken(appid);
  });

  route('get_phonenumber_info', (body, headers) => {
    const token = headers[ACCESS_TOKEN_HEADER];
    return state.redeemPhone(typeof token === 'string' ? token : undefined, body.code);
  });
}
