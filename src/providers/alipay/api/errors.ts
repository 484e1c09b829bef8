import type { AlipayApiName } from './wire.js';

/** The gateway answered with a code other than 10000 (error_response or the method's own answer). */
export class AlipayApiError extends Error {
  override readonly name = 'AlipayApiError';

  constructor(
    readonly api: AlipayApiName | 'my.getPhoneNumber',
    readonly code: string,
    readonly subCode: string | undefined,
    subMsg: string | undefined,
    /** The gateway's trace id (response header trace_id), for support tickets; undefined when it gave none. */
    readonly traceId: string | undefined,
  ) {
    super(`Alipay ${api} failed with ${code}${subCode === undefined ? '' : ` ${subCode}`}${subMsg === undefined ? '' : `: ${subMsg}`}`);
  }
}

/**
 * No trustworthy answer: the gateway could not be reached in time, answered something that is no gateway answer,
 * or an answer whose signature does not verify with the configured Alipay public key.
 */
export type AlipayTransportFailure = 'timeout' | 'network' | 'bad_response' | 'bad_signature';

export class AlipayTransportError extends Error {
  override readonly name = 'AlipayTransportError';

  constructor(
    readonly api: AlipayApiName,
    readonly failure: AlipayTransportFailure,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(`Alipay ${api}: ${message}`, options);
  }
}

/** Why a my.getPhoneNumber `response` was refused. */
export type PhoneResponseFault = 'malformed' | 'bad_signature' | 'undecryptable' | 'no_encryption_key';

/** A my.getPhoneNumber `response` that is not a signed (and decryptable) answer from Alipay for this app. */
export class AlipayPhoneResponseError extends Error {
  override readonly name = 'AlipayPhoneResponseError';

  constructor(
    readonly fault: PhoneResponseFault,
    message: string,
  ) {
    super(message);
  }
}
