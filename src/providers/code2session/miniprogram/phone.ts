import type { PhoneNumber } from '../../../contract/api.js';

/** getPhoneNumber data shaped as WeChat's (QQ, Kuaishou): phoneNumber, purePhoneNumber, countryCode (a string or a number). */
export function wechatShapedPhone(data: Record<string, unknown>): PhoneNumber | undefined {
  const { phoneNumber, purePhoneNumber, countryCode } = data;
  if (typeof phoneNumber !== 'string' || typeof purePhoneNumber !== 'string') return undefined;
  if (typeof countryCode !== 'string' && typeof countryCode !== 'number') return undefined;
  return { phoneNumber, purePhoneNumber, countryCode: String(countryCode) };
}

/** Baidu's getPhoneNumber data: `{mobile}`, a mainland number without its country code. */
export function mobileOnlyPhone(data: Record<string, unknown>): PhoneNumber | undefined {
  const { mobile } = data;
  if (typeof mobile !== 'string' || !/^\d{4,20}$/.test(mobile)) return undefined;
  return { phoneNumber: mobile, purePhoneNumber: mobile, countryCode: '86' };
}
