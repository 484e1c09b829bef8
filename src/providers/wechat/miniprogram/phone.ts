import type { PhoneNumber } from '../../../contract/api.js';
import type { Profiles } from '../../../core/profile.js';
import type { RequestOrigin } from '../../../core/request-origin.js';
import type { AccessClaims } from '../../../core/tokens/access-tokens.js';
import { WeappAuthError } from '../../../lib/errors.js';
import type { AccessTokenManager } from '../api/access-token-manager.js';
import { WechatApiError } from '../api/errors.js';
import type { WechatApi, WechatAppCredentials } from '../api/wechat-api.js';
import { ERRCODE } from '../api/wire.js';
import { wechatFailure } from '../failure.js';
import type { EncryptedData, EncryptedPayload } from './encrypted-data.js';
import type { SessionKeys } from './session-keys.js';

export interface PhonesDeps {
  wechat: WechatApi;
  wechatTokens: AccessTokenManager;
  sessionKeys: SessionKeys;
  encryptedData: EncryptedData;
  profiles: Profiles;
  /** The apps' credentials, by appid: a wx.login code sent as a phone code is recognised by code2Session. */
  apps: ReadonlyMap<string, WechatAppCredentials>;
}

/** Binding the user's phone number: the current way (a getPhoneNumber code) or the legacy one (encryptedData). */
export class Phones {
  constructor(private readonly deps: PhonesDeps) {}

  /** getuserphonenumber with the button's `e.detail.code`, checked by WeChat to belong to this user. */
  async bindByCode(claims: AccessClaims, code: string): Promise<PhoneNumber> {
    const account = await this.deps.sessionKeys.of(claims);
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
    return this.bind(claims.userId, phone);
  }

  /** Legacy getPhoneNumber: encryptedData + iv, opened with the stored session_key. */
  async bindByEncryptedData(claims: AccessClaims, payload: EncryptedPayload, origin: RequestOrigin): Promise<PhoneNumber> {
    const data = await this.deps.encryptedData.decrypt(claims, payload, origin);
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
    return this.bind(claims.userId, { phoneNumber, purePhoneNumber, countryCode: String(countryCode) });
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

  private async bind(userId: string, phone: PhoneNumber): Promise<PhoneNumber> {
    const view = { phoneNumber: phone.phoneNumber, purePhoneNumber: phone.purePhoneNumber, countryCode: phone.countryCode };
    await this.deps.profiles.change(userId, {
      phone_number: view.phoneNumber,
      phone_pure_number: view.purePhoneNumber,
      phone_country_code: view.countryCode,
    });
    return view;
  }
}
