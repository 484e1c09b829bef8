import type { DouyinApiName } from './wire.js';

/** Douyin answered with a non-zero err_no. */
export class DouyinApiError extends Error {
  override readonly name = 'DouyinApiError';

  constructor(
    readonly api: DouyinApiName,
    readonly errNo: number,
    readonly errTips: string,
    /** Douyin's request id, for support tickets; undefined when Douyin gave none. */
    readonly logId: string | undefined,
  ) {
    super(`Douyin ${api} failed with err_no ${errNo}: ${errTips}`);
  }
}

export type DouyinTransportFailure = 'timeout' | 'network' | 'bad_response';

/** Douyin could not be reached in time, or answered something that is not a Douyin answer. */
export class DouyinTransportError extends Error {
  override readonly name = 'DouyinTransportError';

  constructor(
    readonly api: DouyinApiName,
    readonly failure: DouyinTransportFailure,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(`Douyin ${api}: ${message}`, options);
  }
}

/** get_phonenumber_info's ciphertext did not open with the configured private key. */
export class PhoneKeyMismatchError extends Error {
  override readonly name = 'PhoneKeyMismatchError';
}
