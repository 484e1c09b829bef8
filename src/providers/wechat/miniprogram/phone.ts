import type { PhoneNumber } from '../../../contract/api.js';
import type { EncryptedPayload } from '../../../core/identity-provider.js';
import { WeappAuthError } from '../../../lib/errors.js';
import type { AccessTokenManager } from '../api/access-token-manager.js';
import { WechatApiError } from '../api/errors.js';
import type { WechatApi, WechatAppCredentials } from '../api/wechat-api.js';
import { ERRCODE } from '../api/wire.js';
import { wechatFailure } from '../failure.js';
import type { EncryptedData } from './encrypted-data.js';
import type { WechatAccount } from './session-keys.js';

export interface PhonesDeps {
  wechat: WechatApi;
  wechatTokens: AccessTokenManager;
  encryptedData: EncryptedData;
  /** The apps' credentials, by appid: a wx.login code sent as a phone code is recognised by code2Session. */
  apps: ReadonlyMap<string, WechatAppCredentials>;
}

/** The user's phone number as WeChat proves it: the current way (a getPhoneNumber code) or the legacy one (encryptedData). */
export class Phones {
  constructor(private readonly deps: PhonesDeps) {}

  /** getuserphonenumber with the button's `e.detail.code`, checked by WeChat to belong to this user. */
  async byCode(account: WechatAccount, code: string): Promise<PhoneNumber> {
    let phone;
    try {
      phone = await this.deps.wechatTokens.withToken(account.appid, (token) => this.deps.wechat.phoneNumber(token, code, account.openid));
    } catch (error) {
      if (error instanceof WechatApiError && error.errcode === ERRCODE.INVALID_CODE)
        throw await this.explainInvalidCode(account.appid, code);
      throw wechatFailure(error);
    }
    if (phone.watermarkAppid !== account.appid) {
      throw new WeappAuthError('WATERMARK_MISMATCH', 'WeChat returned a phone number watermarked for another app');
    }
    return { phoneNumber: phone.phoneNumber, purePhoneNumber: phone.purePhoneNumber, countryCode: phone.countryCode };
  }

  /** Legacy getPhoneNumber: encryptedData + iv, opened with the stored session_key. */
  async byEncryptedData(account: WechatAccount, payload: EncryptedPayload): Promise<PhoneNumber> {
    const data = await this.deps.encryptedData.open(account, payload);
    const { phoneNumber, purePhoneNumber, countryCode } = data;
    if (
      typeof phoneNumber !== 'string' ||
      typeof purePhoneNumber !== 'string' ||
      (typeof countryCode !== 'string' && typeof countryCode !== 'number')
    ) {
      throw new WeappAuthError('DECRYPT_FAILED', 'the decrypted data is not a phone number (was it getPhoneNumber’s encryptedData?)', {
        details: { hint: 'not_phone_data' },
      });
    }
    return { phoneNumber, purePhoneNumber, countryCode: String(countryCode) };
  }

  /**
   * WeChat answers 40029 both for a bad phone code and for a wx.login code sent by mistake (the most common
   * mix-up). Offering the code to code2Session tells them apart: a login code is accepted there, or known as used.
   */
  private async explainInvalidCode(appid: string, code: string): Promise<WeappAuthError> {
    const app = this.deps.apps.get(appid);
    const invalid = new WeappAuthError(
      'INVALID_PHONE_CODE',
      'the phone code is invalid or expired (it lives 5 minutes and works once): ask the user to tap the button again',
    );
    if (app === undefined) return invalid;
    try {
      await this.deps.wechat.code2Session(app, code);
    } catch (error) {
      if (!(error instanceof WechatApiError && error.errcode === ERRCODE.CODE_BEEN_USED)) return invalid;
    }
    return new WeappAuthError(
      'PHONE_CODE_IS_LOGIN_CODE',
      'this is a wx.login code; send the code from the getPhoneNumber button (e.detail.code) instead',
    );
  }
}
