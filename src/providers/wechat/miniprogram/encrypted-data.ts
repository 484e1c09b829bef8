import type { EncryptedPayload } from '../../../core/identity-provider.js';
import { DecryptError, decryptUserData } from '../../../lib/crypto/user-data.js';
import { WeappAuthError } from '../../../lib/errors.js';
import { isSessionKeyCurrent, type SessionKeyCheckDeps, sessionKeyExpired, type WechatAccount } from './session-keys.js';

/**
 * Opens `encryptedData` (getWeRunData, getShareInfo, legacy getPhoneNumber) with the session's stored key, and
 * when it does not open says why: the input was damaged in transit (DECRYPT_FAILED, with a hint), the key was
 * rotated by a later wx.login (SESSION_KEY_EXPIRED, found out by asking WeChat's checksession), or the data is
 * another app's or another user's (WATERMARK_MISMATCH, DATA_OWNER_MISMATCH). The core audits each failure.
 */
export class EncryptedData {
  constructor(private readonly deps: SessionKeyCheckDeps) {}

  async open(account: WechatAccount, payload: EncryptedPayload): Promise<Record<string, unknown>> {
    let data: Record<string, unknown>;
    try {
      data = decryptUserData(account.sessionKey, payload.encryptedData, payload.iv);
    } catch (error) {
      if (!(error instanceof DecryptError)) throw error;
      throw await this.diagnose(error, account);
    }
    const watermark = data.watermark as { appid?: unknown } | undefined;
    if (watermark?.appid !== account.appid) {
      throw new WeappAuthError('WATERMARK_MISMATCH', 'the data was encrypted for another app (watermark.appid differs)');
    }
    if (data.openId !== undefined && data.openId !== account.openid) {
      throw new WeappAuthError('DATA_OWNER_MISMATCH', 'the data belongs to another user (openId differs)');
    }
    return data;
  }

  private async diagnose(error: DecryptError, account: WechatAccount): Promise<WeappAuthError> {
    switch (error.failure) {
      case 'spaces_in_base64':
      case 'url_encoded':
        return new WeappAuthError('DECRYPT_FAILED', error.message, { details: { hint: error.failure } });
      case 'not_base64':
      case 'bad_iv_length':
      case 'bad_data_length':
        return new WeappAuthError('VALIDATION_FAILED', error.message);
      case 'wrong_key_or_damaged':
        if (!(await isSessionKeyCurrent(this.deps, account))) return sessionKeyExpired();
        return new WeappAuthError(
          'DECRYPT_FAILED',
          'the stored session_key is current, so encryptedData or iv was damaged or belongs to another login: send them exactly as WeChat gave them',
          { details: { hint: 'damaged' } },
        );
    }
  }
}
