/**
 * The frame every simulated WeChat API shares: count the call, apply a queued fault, run the handler, and answer
 * the way WeChat does (HTTP 200 always; errors as {errcode, errmsg} with a rid; WeChat's own Content-Types).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { parseJsonObject } from '../../simulator-kit/body.js';
import { ERRCODE, WECHAT_PATHS, type WechatApiName } from '../api/wire.js';
import type { SimulatorState } from './state.js';
import { WechatError, wechatErrorBody } from './wechat-errors.js';

/** What api.weixin.qq.com sends with JSON answers. */
const JSON_CONTENT_TYPE = 'application/json; encoding=utf-8';
/** code2Session alone answers its JSON as text/plain. */
const CONTENT_TYPES: Partial<Record<WechatApiName, string>> = { jscode2session: 'text/plain' };
const POST_APIS: ReadonlySet<WechatApiName> = new Set(['stable_token', 'getuserphonenumber']);
const DEFAULT_FAULT_CONTENT_TYPE = 'text/html; charset=utf-8';

/** A call to a simulated WeChat API, as received. */
export interface ReceivedCall {
  query: Readonly<Record<string, unknown>>;
  /** The parsed JSON body of POST APIs; empty for GET. */
  body: Readonly<Record<string, unknown>>;
}

export type WechatHandler = (call: ReceivedCall) => object;

export function wechatRoute(scope: FastifyInstance, state: SimulatorState, api: WechatApiName, handler: WechatHandler): void {
  const method = POST_APIS.has(api) ? 'POST' : 'GET';
  scope.route({
    method,
    url: WECHAT_PATHS[api],
    handler: async (request, reply) => {
      state.stats.record(api);
      const fault = state.faults.take(api);
      // Unref'd so a hanging fault never keeps a closing process alive.
      if (fault?.delayMs) await sleep(fault.delayMs, undefined, { ref: false });
      if (fault?.body !== undefined) return sendText(reply, fault.contentType ?? DEFAULT_FAULT_CONTENT_TYPE, fault.body);
      let answer: object;
      try {
        if (fault?.errcode !== undefined) throw new WechatError(fault.errcode, fault.errmsg);
        const body = method === 'POST' ? parseJsonObject(request.body) : {};
        if (body === undefined) throw new WechatError(ERRCODE.DATA_FORMAT_ERROR);
        answer = handler({ query: request.query as Record<string, unknown>, body });
      } catch (error) {
        if (!(error instanceof WechatError)) throw error;
        answer = wechatErrorBody(error, state.clock.nowSeconds());
      }
      return sendText(reply, CONTENT_TYPES[api] ?? JSON_CONTENT_TYPE, JSON.stringify(answer));
    },
  });
}

/** Sent as a Buffer: Fastify would append a charset to a string payload's Content-Type, and WeChat's is verbatim. */
function sendText(reply: FastifyReply, contentType: string, text: string): FastifyReply {
  return reply.header('content-type', contentType).send(Buffer.from(text));
}

/** A query parameter as WeChat reads it: the first value when repeated. */
export function queryParam(call: ReceivedCall, name: string): string | undefined {
  const value = call.query[name];
  const first = Array.isArray(value) ? (value[0] as unknown) : value;
  return typeof first === 'string' ? first : undefined;
}

/** A string field of a JSON body; a value of another type is WeChat's 47001. */
export function bodyString(call: ReceivedCall, name: string): string | undefined {
  const value = call.body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new WechatError(ERRCODE.DATA_FORMAT_ERROR);
  return value;
}
