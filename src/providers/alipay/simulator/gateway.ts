/**
 * POST /gateway.do as Alipay's gateway answers it: system parameters in the query or the form body, the request's
 * RSA2 signature checked with the app's public key, answers signed with Alipay's key for the app, errors in
 * error_response with Alipay's code, msg, sub_code and sub_msg.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { type AlipayApiName, ERROR_RESPONSE_KEY, type OauthTokenResponse, responseKey, SUB_CODE } from '../api/wire.js';
import { requestSignContent, rsa2Sign, rsa2Verify } from './crypto.js';
import type { AlipaySimulatorState, SimApp } from './state.js';

/** Alipay's public error table: sub_code → code, msg, sub_msg, as the gateway answers them. */
export const GATEWAY_ERRORS: Readonly<Record<string, { code: string; msg: string; sub_msg: string }>> = {
  [SUB_CODE.ISP_UNKNOWN]: { code: '20000', msg: 'Service Currently Unavailable', sub_msg: '系统繁忙' },
  [SUB_CODE.AOP_UNKNOWN]: { code: '20000', msg: 'Service Currently Unavailable', sub_msg: '系统繁忙' },
  'isv.missing-method': { code: '40001', msg: 'Missing Required Arguments', sub_msg: '缺少方法名参数' },
  [SUB_CODE.MISSING_SIGNATURE]: { code: '40001', msg: 'Missing Required Arguments', sub_msg: '缺少签名参数' },
  'isv.missing-app-id': { code: '40001', msg: 'Missing Required Arguments', sub_msg: '缺少AppID参数' },
  'isv.invalid-method': { code: '40002', msg: 'Invalid Arguments', sub_msg: '不存在的方法名' },
  'isv.invalid-signature-type': { code: '40002', msg: 'Invalid Arguments', sub_msg: '无效的签名类型' },
  [SUB_CODE.INVALID_SIGNATURE]: {
    code: '40002',
    msg: 'Invalid Arguments',
    sub_msg: '验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配',
  },
  [SUB_CODE.INVALID_APP_ID]: { code: '40002', msg: 'Invalid Arguments', sub_msg: '无效的AppID参数' },
  [SUB_CODE.INVALID_TIMESTAMP]: { code: '40002', msg: 'Invalid Arguments', sub_msg: '非法的时间戳参数' },
  [SUB_CODE.CODE_INVALID]: { code: '40002', msg: 'Invalid Arguments', sub_msg: '授权码code无效' },
  'isv.grant-type-invalid': { code: '40002', msg: 'Invalid Arguments', sub_msg: 'grant_type参数不正确' },
  [SUB_CODE.INSUFFICIENT_ISV_PERMISSIONS]: { code: '40006', msg: 'Insufficient Permissions', sub_msg: 'ISV权限不足' },
};

const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/**
 * A gateway answer: the result under `key`, signed when the gateway knows the app (it signs with that app's key).
 * `forged`: the signature is of other content, as an answer altered on the way would carry.
 */
function answer(reply: FastifyReply, key: string, result: object, signer: string | undefined, forged = false): FastifyReply {
  const content = JSON.stringify(result);
  const sign = signer === undefined ? '' : `,"sign":${JSON.stringify(rsa2Sign(forged ? `${content} ` : content, signer))}`;
  return reply.code(200).type('text/html;charset=utf-8').send(`{"${key}":${content}${sign}}`);
}

function refuse(reply: FastifyReply, subCode: string, app: SimApp | undefined): FastifyReply {
  const error = GATEWAY_ERRORS[subCode] ?? { code: '40004', msg: 'Business Failed', sub_msg: subCode };
  return answer(
    reply,
    ERROR_RESPONSE_KEY,
    { code: error.code, msg: error.msg, sub_code: subCode, sub_msg: error.sub_msg },
    app?.alipayKeys.privateKey,
  );
}

export async function gatewayRoutes(scope: FastifyInstance, { state }: { state: AlipaySimulatorState }): Promise<void> {
  scope.post('/gateway.do', async (request, reply) => {
    const params = new Map<string, string>(new URL(request.url, 'http://gateway').searchParams);
    for (const [name, value] of new URLSearchParams(typeof request.body === 'string' ? request.body : '')) params.set(name, value);

    const appid = params.get('app_id');
    if (appid === undefined || appid === '') return refuse(reply, 'isv.missing-app-id', undefined);
    const app = state.apps.get(appid);
    if (app === undefined) return refuse(reply, SUB_CODE.INVALID_APP_ID, undefined);
    const method = params.get('method');
    if (method === undefined || method === '') return refuse(reply, 'isv.missing-method', app);
    if (method !== 'alipay.system.oauth.token') return refuse(reply, 'isv.invalid-method', app);
    const api: AlipayApiName = method;
    const sign = params.get('sign');
    if (sign === undefined || sign === '') return refuse(reply, SUB_CODE.MISSING_SIGNATURE, app);
    if (params.get('sign_type') !== 'RSA2') return refuse(reply, 'isv.invalid-signature-type', app);
    if (!rsa2Verify(requestSignContent(params), sign, app.appPublicKey)) return refuse(reply, SUB_CODE.INVALID_SIGNATURE, app);
    if (!TIMESTAMP.test(params.get('timestamp') ?? '')) return refuse(reply, SUB_CODE.INVALID_TIMESTAMP, app);

    const fault = state.faults.take(api);
    if (fault?.delayMs !== undefined) await sleep(fault.delayMs);
    if (fault?.body !== undefined) return reply.code(200).type('text/html;charset=utf-8').send(fault.body);
    if (fault?.error !== undefined) return refuse(reply, fault.error, app);

    if (params.get('grant_type') !== 'authorization_code') return refuse(reply, 'isv.grant-type-invalid', app);
    const userId = state.redeem(appid, params.get('code') ?? '');
    if (userId === undefined) return refuse(reply, SUB_CODE.CODE_INVALID, app);
    const now = new Date(state.clock.nowMs());
    const result: OauthTokenResponse = {
      ...state.idsOf(app, userId),
      access_token: `authbseB${randomBytes(16).toString('hex')}`,
      expires_in: 1296000,
      refresh_token: `authbseB${randomBytes(16).toString('hex')}`,
      re_expires_in: 2592000,
      auth_start: now.toISOString().replace('T', ' ').slice(0, 19),
    };
    return answer(reply, responseKey(api), result, app.alipayKeys.privateKey, fault?.badSignature === true);
  });
}
