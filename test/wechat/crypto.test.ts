import { describe, expect, it } from 'vitest';
import { DecryptError, decryptUserData } from '../../src/lib/crypto/user-data.js';
import { sessionKeySignature, verifyRawDataSignature } from '../../src/providers/wechat/api/crypto.js';

/**
 * WeChat's own sample from its decryption demo (WXBizDataCrypt, "开放数据校验与解密"), the vector the big SDKs
 * test against.
 */
const SAMPLE = {
  appId: 'wx4f4bc4dec97d474b',
  sessionKey: 'tiihtNczf5v6AKRyjwEUhQ==',
  encryptedData:
    'CiyLU1Aw2KjvrjMdj8YKliAjtP4gsMZMQmRzooG2xrDcvSnxIMXFufNstNGTyaGS9uT5geRa0W4oTOb1WT7fJlAC+oNPdbB+3hVbJSRgv+4lGOETKUQz6OYStslQ142dNCuabNPGBzlooOmB231qMM85d2/fV6ChevvXvQP8Hkue1poOFtnEtpyxVLW1zAo6/1Xx1COxFvrc2d7UL/lmHInNlxuacJXwu0fjpXfz/YqYzBIBzD6WUfTIF9GRHpOn/Hz7saL8xz+W//FRAUid1OksQaQx4CMs8LOddcQhULW4ucetDf96JcR3g0gfRK4PC7E/r7Z6xNrXd2UIeorGj5Ef7b1pJAYB6Y5anaHqZ9J6nKEBvB4DnNLIVWSgARns/8wR2SiRS7MNACwTyrGvt9ts8p12PKFdlqYTopNHR1Vf7XjfhQlVsAJdNiKdYmYVoKlaRv85IfVunYzO0IKXsyl7JCUjCpoG20f0a04COwfneQAGGwd5oa+T8yO5hzuyDb/XcxxmK01EpqOyuxINew==',
  iv: 'r7BXXKkLb8qrSNn05n0qiA==',
};

describe('decryptUserData', () => {
  it('decrypts WeChat’s published sample to its published plaintext', () => {
    expect(decryptUserData(SAMPLE.sessionKey, SAMPLE.encryptedData, SAMPLE.iv)).toEqual({
      openId: 'oGZUI0egBJY1zhBYw2KhdUfwVJJE',
      nickName: 'Band',
      gender: 1,
      language: 'zh_CN',
      city: 'Guangzhou',
      province: 'Guangdong',
      country: 'CN',
      avatarUrl:
        'http://wx.qlogo.cn/mmopen/vi_32/aSKcBBPpibyKNicHNTMM0qJVh8Kjgiak2AHWr8MHM4WgMEm7GFhsf8OYrySdbvAMvTsw3mo8ibKicsnfN5pRjl1p8HQ/0',
      unionId: 'ocMvos6NjeKLIBqg5Mr9QjxrP1FA',
      watermark: { timestamp: 1477314187, appid: SAMPLE.appId },
    });
  });

  function failureOf(sessionKey: string, encryptedData: string, iv: string): string {
    try {
      decryptUserData(sessionKey, encryptedData, iv);
    } catch (error) {
      expect(error).toBeInstanceOf(DecryptError);
      return (error as DecryptError).failure;
    }
    throw new Error('expected decryption to fail');
  }

  it('names each kind of damage before trying to decrypt', () => {
    expect(failureOf(SAMPLE.sessionKey, SAMPLE.encryptedData.replaceAll('+', ' '), SAMPLE.iv)).toBe('spaces_in_base64');
    expect(failureOf(SAMPLE.sessionKey, encodeURIComponent(SAMPLE.encryptedData), SAMPLE.iv)).toBe('url_encoded');
    expect(failureOf(SAMPLE.sessionKey, SAMPLE.encryptedData.replaceAll('/', '_'), SAMPLE.iv)).toBe('not_base64');
    expect(failureOf(SAMPLE.sessionKey, SAMPLE.encryptedData, 'AAAA')).toBe('bad_iv_length');
    expect(failureOf(SAMPLE.sessionKey, SAMPLE.encryptedData.slice(0, 20), SAMPLE.iv)).toBe('bad_data_length');
  });

  it('reports a wrong key (a rotated session_key) as such', () => {
    expect(failureOf('AAAAAAAAAAAAAAAAAAAAAA==', SAMPLE.encryptedData, SAMPLE.iv)).toBe('wrong_key_or_damaged');
  });
});

describe('signatures', () => {
  it('checksession signature is HMAC-SHA256 keyed by the session_key text over the empty string', () => {
    // printf '' | openssl dgst -sha256 -hmac 'tiihtNczf5v6AKRyjwEUhQ=='
    expect(sessionKeySignature(SAMPLE.sessionKey)).toBe('7154f9f8b4b76b92f541cbf0e37d48840fa06e5e42da92a6f80168a1516a4735');
  });

  it('rawData signature matches WeChat’s documented example, and nothing else', () => {
    const rawData =
      '{"nickName":"Band","gender":1,"language":"zh_CN","city":"Guangzhou","province":"Guangdong","country":"CN","avatarUrl":"http://wx.qlogo.cn/mmopen/vi_32/1vZvI39NWFQ9XM4LtQpFrQJ1xlgZxx3w7bQxKARol6503Iuswjjn6nIGBiaycAjAtpujxyzYsrztuuICqIM5ibXQ/0"}';
    const sessionKey = 'HyVFkGl5F5OQWJZZaNzBBg==';
    // Also: printf '%s' "$rawData$sessionKey" | openssl dgst -sha1
    expect(verifyRawDataSignature(rawData, '75e81ceda165f4ffa64f4068af58c64b8f54b88c', sessionKey)).toBe(true);
    expect(verifyRawDataSignature(rawData, '75E81CEDA165F4FFA64F4068AF58C64B8F54B88C', sessionKey)).toBe(true);
    expect(verifyRawDataSignature(`${rawData} `, '75e81ceda165f4ffa64f4068af58c64b8f54b88c', sessionKey)).toBe(false);
    expect(verifyRawDataSignature(rawData, '75e81ceda165f4ffa64f4068af58c64b8f54b88c', 'AAAAAAAAAAAAAAAAAAAAAA==')).toBe(false);
  });
});
