/** Codes from the getPhoneNumber button (e.detail.code): single use, 5 minutes, redeemed for a phone number. */
import { ERRCODE, type PhoneNumberResponse } from '../api/wire.js';
import { newPhoneCode } from './ids.js';
import { WechatError } from './wechat-errors.js';

export const PHONE_CODE_LIFETIME_MS = 5 * 60 * 1000;

export interface PhoneGrant {
  /** Owner; a code minted without one cannot pass getuserphonenumber's optional openid check. */
  openid?: string;
  purePhoneNumber: string;
  countryCode: string;
}

interface PhoneCode extends PhoneGrant {
  appid: string;
  mintedAtMs: number;
  used: boolean;
}

export class PhoneCodeRegistry {
  readonly #codes = new Map<string, PhoneCode>();

  mint(appid: string, grant: PhoneGrant, nowMs: number): string {
    const code = newPhoneCode();
    this.#codes.set(code, { ...grant, appid, mintedAtMs: nowMs, used: false });
    return code;
  }

  /**
   * Unknown (including wx.login codes), foreign, expired, used, or not owned by the given openid → 40029, the only
   * code-related errcode WeChat documents for this API. A failed ownership check leaves the code usable by its owner.
   */
  redeem(appid: string, code: string, openid: string | undefined, nowMs: number): PhoneNumberResponse['phone_info'] {
    const entry = this.#codes.get(code);
    const valid = entry && entry.appid === appid && !entry.used && nowMs < entry.mintedAtMs + PHONE_CODE_LIFETIME_MS;
    if (!valid || (openid !== undefined && openid !== entry.openid)) throw new WechatError(ERRCODE.INVALID_CODE);
    entry.used = true;
    return {
      // Docs: phoneNumber carries the country prefix for foreign numbers only; the mainland example has none.
      phoneNumber: entry.countryCode === '86' ? entry.purePhoneNumber : `+${entry.countryCode}${entry.purePhoneNumber}`,
      purePhoneNumber: entry.purePhoneNumber,
      countryCode: entry.countryCode,
      // The time the user tapped the button, i.e. when the code was minted.
      watermark: { timestamp: Math.floor(entry.mintedAtMs / 1000), appid },
    };
  }
}
