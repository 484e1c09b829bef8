import type { AuditLog } from '../../../core/audit.js';
import type { RequestOrigin } from '../../../core/request-origin.js';
import type { AccessClaims } from '../../../core/tokens/access-tokens.js';
import { WeappAuthError } from '../../../lib/errors.js';
import { inputDiagnosis } from '../../code2session/miniprogram/diagnosis.js';
import { DecryptError, decryptUserData, verifyRawDataSignature } from '../api/crypto.js';
import { type SessionKeys, sessionKeyExpired, type WechatAccount } from './session-keys.js';

export interface EncryptedPayload {
  encryptedData: string;
  iv: string;
}

export interface EncryptedDataDeps {
  sessionKeys: SessionKeys;
  audit: AuditLog;
}

/**
 * Opens `encryptedData` (getWeRunData, getShareInfo, legacy getPhoneNumber) with the session's stored key, and
 * when it does not open says why: the input was damaged in transit (DECRYPT_FAILED, with a hint), the key was
 * rotated by a later wx.login (SESSION_KEY_EXPIRED, found out by asking WeChat's checksession), or the data is
 * another app's or another user's (WATERMARK_MISMATCH, DATA_OWNER_MISMATCH).
 */
export class EncryptedData {
  constructor(private readonly deps: EncryptedDataDeps) {}

  async decrypt(claims: AccessClaims, payload: EncryptedPayload, origin: RequestOrigin): Promise<Record<string, unknown>> {
    try {
      return await this.decryptFor(claims, payload);
    } catch (error) {
      if (error instanceof WeappAuthError) {
        const diagnosis = { code: error.code, ...(typeof error.details?.hint === 'string' ? { hint: error.details.hint } : {}) };
        const facts = { userId: claims.userId, sessionId: claims.sessionId, provider: claims.provider, app: claims.appid };
        await this.deps.audit.record('decrypt_failed', { ...facts, details: diagnosis }, origin);
      }
      throw error;
    }
  }

  private async decryptFor(claims: AccessClaims, payload: EncryptedPayload): Promise<Record<string, unknown>> {
    const account = await this.deps.sessionKeys.of(claims);
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

  /** Legacy getUserInfo rawData: sha1(rawData + session_key) must equal the signature WeChat sent beside it. */
  async verifyRawData(claims: AccessClaims, rawData: string, signature: string): Promise<boolean> {
    const account = await this.deps.sessionKeys.of(claims);
    return verifyRawDataSignature(rawData, signature, account.sessionKey);
  }

  private async diagnose(error: DecryptError, account: WechatAccount): Promise<WeappAuthError> {
    const fromInput = inputDiagnosis(error);
    if (fromInput !== undefined) return fromInput;
    if (!(await this.deps.sessionKeys.isCurrent(account))) return sessionKeyExpired();
    return new WeappAuthError(
      'DECRYPT_FAILED',
      'the stored session_key is current, so encryptedData or iv was damaged or belongs to another login: send them exactly as WeChat gave them',
      { details: { hint: 'damaged' } },
    );
  }
}
