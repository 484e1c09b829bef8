/** All simulated WeChat APIs, at WeChat's own paths. */
import type { FastifyInstance } from 'fastify';
import { ERRCODE } from '../../api/wire.js';
import type { SimulatorState } from '../state.js';
import { WechatError, wechatErrorBody } from '../wechat-errors.js';
import { loginRoutes } from './login.js';
import { phoneRoutes } from './phone.js';
import { sessionKeyRoutes } from './session-key.js';
import { tokenRoutes } from './tokens.js';

export async function wechatApiRoutes(scope: FastifyInstance, { state }: { state: SimulatorState }): Promise<void> {
  // What reaches here is Fastify refusing a request (e.g. a body over the size limit): answer like WeChat would.
  scope.setErrorHandler(async (error: { statusCode?: number }, _request, reply) => {
    const errcode = (error.statusCode ?? 500) < 500 ? ERRCODE.DATA_FORMAT_ERROR : ERRCODE.SYSTEM_BUSY;
    return reply.code(200).send(wechatErrorBody(new WechatError(errcode), state.clock.nowSeconds()));
  });
  loginRoutes(scope, state);
  tokenRoutes(scope, state);
  phoneRoutes(scope, state);
  sessionKeyRoutes(scope, state);
}
