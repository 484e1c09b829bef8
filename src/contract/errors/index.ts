import { ALIPAY_ERRORS } from './alipay.js';
import { BAIDU_ERRORS } from './baidu.js';
import { CORE_ERRORS } from './core.js';
import { mergeErrorCodes } from './define.js';
import { DOUYIN_ERRORS } from './douyin.js';
import { KUAISHOU_ERRORS } from './kuaishou.js';
import { PLATFORM_ERRORS } from './platform.js';
import { QQ_ERRORS } from './qq.js';
import { WECHAT_ERRORS } from './wechat.js';

/**
 * Every code the server answers with, and its HTTP status: the core's, the platforms' shared ones, and each
 * provider's group. README's error table is this table. Codes never change meaning; messages may be reworded.
 */
export const ERROR_STATUS = mergeErrorCodes(
  CORE_ERRORS,
  PLATFORM_ERRORS,
  WECHAT_ERRORS,
  DOUYIN_ERRORS,
  ALIPAY_ERRORS,
  QQ_ERRORS,
  BAIDU_ERRORS,
  KUAISHOU_ERRORS,
);

export type ErrorCode = keyof typeof ERROR_STATUS;

export const ERROR_CODES: readonly ErrorCode[] = Object.keys(ERROR_STATUS) as ErrorCode[];

/** Extra, non-secret facts about an error (WeChat's `errcode` and `rid`, `retryAfterSeconds`, a `hint`). */
export type ErrorDetails = Record<string, string | number | boolean>;
