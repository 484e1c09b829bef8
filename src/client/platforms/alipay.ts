import { AuthClientError } from '../errors.js';
import type { Platform } from '../platform.js';
import { answerOrFailure, type Callbacks, credentialOf, invoke, type MiniProgramRequestOption, type RawResponse } from './shared.js';

/**
 * Alipay's `my`, where it differs from wx: `my.request` takes `headers` and answers `status`/`headers` (and
 * reports a non-2xx answer through `fail`, error 19); storage takes objects (`my.getStorageSync({key})` returns
 * `{data}`); the login code comes from `my.getAuthCode` as `authCode`; the phone number from `my.getPhoneNumber`
 * as a signed (or encrypted) `response` string the server checks.
 */
export interface AlipayApi {
  request(
    option: Omit<MiniProgramRequestOption, 'header'> & {
      headers?: Record<string, string>;
      success?(result: RawResponse): void;
      fail?(error: unknown): void;
    },
  ): unknown;
  getAuthCode(option: { scopes: string | string[] } & Callbacks<{ authCode: string }>): unknown;
  getPhoneNumber?(option: Callbacks<{ response: string }>): unknown;
  getStorageSync(option: { key: string }): { data?: unknown } | null | undefined;
  setStorageSync(option: { key: string; data: unknown }): unknown;
  removeStorageSync(option: { key: string }): unknown;
}

// Alipay's global, read with `typeof` so its absence is no ReferenceError.
declare const my: AlipayApi | undefined;

/** The host's `my`: Alipay's own runtime, or a uni-app or Taro build for Alipay, which leaves it in place. */
export function hostMy(): AlipayApi | undefined {
  return typeof my !== 'undefined' ? my : undefined;
}

/** `my` as a Platform: silent login (`auth_base`), so no dialog interrupts a request that needs one. */
export function myPlatform(api: AlipayApi): Platform {
  return {
    provider: 'alipay',
    send: ({ header, ...request }) =>
      new Promise((resolve, reject) => {
        api.request({ ...request, headers: header, dataType: 'json', ...answerOrFailure(resolve, reject) });
      }),
    login: async () => credentialOf(await invoke((callbacks) => api.getAuthCode({ scopes: 'auth_base', ...callbacks }))),
    phoneProof: () => alipayPhoneProof(api),
    getItem: (key) => api.getStorageSync({ key })?.data,
    setItem: (key, data) => void api.setStorageSync({ key, data }),
    removeItem: (key) => void api.removeStorageSync({ key }),
  };
}

/**
 * Alipay's phone button (`open-type="getAuthorize" scope="phoneNumber"`) only grants; the number comes from
 * my.getPhoneNumber, in a uni-app or Taro build for Alipay as much as in a native one.
 */
export async function alipayPhoneProof(api: Pick<AlipayApi, 'getPhoneNumber'> | undefined): Promise<{ response: string }> {
  const getPhoneNumber = api?.getPhoneNumber;
  if (getPhoneNumber === undefined) throw new AuthClientError('PHONE_DENIED', 'my.getPhoneNumber is not available in this base library');
  try {
    const { response } = await invoke<{ response: string }>((callbacks) => getPhoneNumber.call(api, callbacks));
    return { response };
  } catch (error) {
    const e = error as { errorMessage?: unknown; error?: unknown } | null;
    throw new AuthClientError('PHONE_DENIED', `no phone number was shared (${String(e?.errorMessage ?? e?.error ?? error)})`);
  }
}
