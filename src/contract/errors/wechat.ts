import { defineErrorCodes } from './define.js';

/**
 * WeChat's own group: what only WeChat's API can cause. Outages and quotas name the platform (WECHAT_…), so an
 * operator sees at once whose service failed; another provider declares its own group beside this one (DOUYIN_…).
 */
export const WECHAT_ERRORS = defineErrorCodes({
  /** WeChat answers one errcode (40029) for a bad phone code and for a wx.login code sent in its place. */
  PHONE_CODE_IS_LOGIN_CODE: 400,
  WECHAT_RATE_LIMITED: 429,
  WECHAT_UNAVAILABLE: 503,
  WECHAT_TIMEOUT: 504,
  WECHAT_BAD_RESPONSE: 502,
  WECHAT_CREDENTIALS_REJECTED: 502,
});
