import type { ErrorCode } from '../contract/errors/index.js';

/**
 * Chinese messages, one per error code, for clients that prefer Chinese (Accept-Language). Codes and details
 * never change with the language; English messages may carry specifics (a limit, an appid) these leave out.
 * Keyed by the contract's ErrorCode, so a code added to any group without its message fails to compile. They are the
 * server's words, not the contract's: the SDK shows what the server sent.
 */
export const MESSAGES_ZH: Readonly<Record<ErrorCode, string>> = {
  BAD_REQUEST: '请求格式有误',
  VALIDATION_FAILED: '请求参数不合法：缺少字段、类型错误或取值超出范围',
  INVALID_JSON: '请求体不是合法的 JSON',
  UNSUPPORTED_MEDIA_TYPE: '请求体必须是 application/json',
  BODY_TOO_LARGE: '请求体过大',
  NOT_FOUND: '接口不存在',
  METHOD_NOT_ALLOWED: '不支持该请求方法',
  UNKNOWN_APP: '服务器未配置该小程序 appid',
  UNKNOWN_PROVIDER: '服务器未配置该登录方式（provider）',
  INVALID_NICKNAME: '昵称不合法：须为 1 到 32 个可见字符，不能含控制字符、文字方向控制符、私用区字符或非字符',
  INVALID_CODE: 'code 无效或已过期，请重新调用 wx.login',
  CODE_USED: 'code 已被使用，请重新调用 wx.login',
  USER_BLOCKED: '微信判定该用户为高风险用户，已拦截',
  INVALID_PHONE_CODE: '手机号 code 无效、已使用或已过期（5 分钟内有效且只能使用一次），请让用户重新点击按钮',
  PHONE_CODE_IS_LOGIN_CODE: '这是 wx.login 的 code，请发送 getPhoneNumber 按钮回调中的 e.detail.code',
  SESSION_KEY_EXPIRED: '服务器保存的 session_key 已失效（之后的 wx.login 刷新了它），请重新登录后再试',
  DECRYPT_FAILED: 'encryptedData 或 iv 在传输中被损坏，请原样以 JSON 发送',
  WATERMARK_MISMATCH: '数据属于其他小程序（watermark.appid 不符）',
  DATA_OWNER_MISMATCH: '数据属于其他用户（openId 不符）',
  PHONE_UNSUPPORTED: '该平台没有本服务器可用的手机号获取方式，或不接受这种形式的凭证',
  DECRYPT_UNSUPPORTED: '该平台没有本服务器可解密的加密数据',
  TOKEN_MISSING: '缺少访问令牌，请在请求头中携带 Authorization: Bearer <token>',
  TOKEN_INVALID: '访问令牌无效',
  TOKEN_EXPIRED: '访问令牌已过期，请刷新',
  SESSION_REVOKED: '会话已失效，请重新登录',
  SESSION_EXPIRED: '会话已过期，请重新登录',
  REFRESH_TOKEN_INVALID: '刷新令牌无效',
  REFRESH_TOKEN_EXPIRED: '刷新令牌已过期，请重新登录',
  REFRESH_TOKEN_REUSED: '刷新令牌已被使用过，会话已被注销',
  INTROSPECTION_UNAUTHORIZED: '令牌内省需要后端凭据：请以 HTTP Basic 发送 INTROSPECTION_CLIENTS 中配置的 client_id:client_secret',
  RATE_LIMITED: '请求过于频繁，请稍后再试',
  WECHAT_RATE_LIMITED: '微信接口调用频率超限，请稍后再试',
  WECHAT_UNAVAILABLE: '微信服务暂时不可用，请稍后再试',
  WECHAT_TIMEOUT: '微信服务响应超时',
  WECHAT_BAD_RESPONSE: '微信返回了无法识别的结果',
  WECHAT_CREDENTIALS_REJECTED: '微信拒绝了服务器的 AppID 或 AppSecret',
  QQ_RATE_LIMITED: 'QQ 接口调用频率超限，请稍后再试',
  QQ_UNAVAILABLE: 'QQ 服务暂时不可用，请稍后再试',
  QQ_TIMEOUT: 'QQ 服务响应超时',
  QQ_BAD_RESPONSE: 'QQ 返回了无法识别的结果',
  QQ_CREDENTIALS_REJECTED: 'QQ 拒绝了服务器的小程序凭据（AppID/AppKey 或密钥）',
  BAIDU_UNAVAILABLE: '百度服务暂时不可用，请稍后再试',
  BAIDU_TIMEOUT: '百度服务响应超时',
  BAIDU_BAD_RESPONSE: '百度返回了无法识别的结果',
  BAIDU_CREDENTIALS_REJECTED: '百度拒绝了服务器的小程序凭据（AppID/AppKey 或密钥）',
  KUAISHOU_UNAVAILABLE: '快手服务暂时不可用，请稍后再试',
  KUAISHOU_TIMEOUT: '快手服务响应超时',
  KUAISHOU_BAD_RESPONSE: '快手返回了无法识别的结果',
  KUAISHOU_CREDENTIALS_REJECTED: '快手拒绝了服务器的小程序凭据（AppID/AppKey 或密钥）',
  ALIPAY_UNAVAILABLE: '支付宝服务暂时不可用，请稍后再试',
  ALIPAY_TIMEOUT: '支付宝服务响应超时',
  ALIPAY_BAD_RESPONSE: '支付宝返回了无法识别的结果',
  ALIPAY_CREDENTIALS_REJECTED: '支付宝拒绝了服务器的应用凭据（app_id、应用私钥或接口权限）',
  ALIPAY_SIGNATURE_INVALID: '支付宝返回结果验签失败（请检查配置的支付宝公钥）',
  DOUYIN_RATE_LIMITED: '抖音接口调用频率超限，请稍后再试',
  DOUYIN_UNAVAILABLE: '抖音服务暂时不可用，请稍后再试',
  DOUYIN_TIMEOUT: '抖音服务响应超时',
  DOUYIN_BAD_RESPONSE: '抖音返回了无法识别的结果',
  DOUYIN_CREDENTIALS_REJECTED: '抖音拒绝了服务器的 AppID 或 AppSecret',
  DOUYIN_PHONE_KEY_MISMATCH: '服务器的应用私钥无法解密抖音返回的手机号，请检查开放平台控制台中配置的应用公钥',
  DATABASE_UNAVAILABLE: '数据库暂时不可用，请稍后再试',
  REDIS_UNAVAILABLE: 'Redis 暂时不可用，该请求需要的共享数据无法读取，请稍后再试',
  INTERNAL_ERROR: '服务器内部错误',
};

/** True when the client's most preferred language it names is Chinese (zh, zh-CN, zh-Hans, zh-TW, ...). */
export function prefersChinese(acceptLanguage: string | undefined): boolean {
  if (acceptLanguage === undefined) return false;
  const ranked = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = Number(
        params
          .find((param) => param.trim().startsWith('q='))
          ?.trim()
          .slice(2) ?? '1',
      );
      return { tag, q: Number.isFinite(q) ? q : 0 };
    })
    .filter((entry) => entry.tag !== '' && entry.tag !== '*' && entry.q > 0)
    .sort((a, b) => b.q - a.q);
  return ranked[0]?.tag === 'zh' || ranked[0]?.tag.startsWith('zh-') === true;
}
