import type { ErrorCode } from '../../lib/errors.js';
import { WeappAuthError } from '../../lib/errors.js';
import { AlipayApiError, AlipayPhoneResponseError, AlipayTransportError } from './api/errors.js';
import { GATEWAY_CODE, SUB_CODE } from './api/wire.js';

/** Sub-codes that say the gateway does not accept this app as configured here: its id, key pair or permissions. */
const CREDENTIAL_SUB_CODES: ReadonlySet<string> = new Set([
  SUB_CODE.INVALID_APP_ID,
  SUB_CODE.INVALID_SIGNATURE,
  SUB_CODE.MISSING_SIGNATURE,
  SUB_CODE.INSUFFICIENT_ISV_PERMISSIONS,
]);

/**
 * Translates what went wrong at Alipay into our stable error codes. Alipay's code, sub_code and trace id travel in
 * the details so an operator can quote them to Alipay support; Alipay's sub_msg is not shown to end users.
 */
export function alipayFailure(error: unknown): unknown {
  if (error instanceof AlipayTransportError) {
    const code: Record<AlipayTransportError['failure'], [ErrorCode, string]> = {
      timeout: ['ALIPAY_TIMEOUT', 'Alipay did not answer in time'],
      network: ['ALIPAY_UNAVAILABLE', 'Alipay could not be reached'],
      bad_response: ['ALIPAY_BAD_RESPONSE', 'Alipay gave an answer that could not be understood'],
      bad_signature: ['ALIPAY_SIGNATURE_INVALID', 'Alipay’s answer does not verify with the configured Alipay public key'],
    };
    const [stable, message] = code[error.failure];
    return new WeappAuthError(stable, message, { cause: error });
  }
  if (error instanceof AlipayPhoneResponseError) {
    return new WeappAuthError('DECRYPT_FAILED', `the phone response was refused: ${error.message}`, {
      cause: error,
      details: { hint: error.fault },
    });
  }
  if (!(error instanceof AlipayApiError)) return error;
  const details = {
    code: error.code,
    ...(error.subCode === undefined ? {} : { sub_code: error.subCode }),
    ...(error.traceId === undefined ? {} : { trace_id: error.traceId }),
  };
  const fail = (code: ErrorCode, message: string): WeappAuthError => new WeappAuthError(code, message, { cause: error, details });
  if (error.api === 'my.getPhoneNumber') {
    return fail('INVALID_PHONE_CODE', 'Alipay refused the phone number (did the user consent?): ask the user to tap the button again');
  }
  if (error.subCode === SUB_CODE.CODE_INVALID) {
    // One sub-code for a wrong, used, expired or foreign authCode: Alipay does not tell them apart.
    return fail('INVALID_CODE', 'the authCode is invalid, used or expired; call my.getAuthCode again');
  }
  if (error.code === GATEWAY_CODE.UNAVAILABLE) return fail('ALIPAY_UNAVAILABLE', 'Alipay is busy; try again later');
  if ((error.subCode !== undefined && CREDENTIAL_SUB_CODES.has(error.subCode)) || error.code === GATEWAY_CODE.INSUFFICIENT_PERMISSIONS) {
    return fail('ALIPAY_CREDENTIALS_REJECTED', 'Alipay rejected the server’s app_id, app private key or permissions');
  }
  return fail('ALIPAY_BAD_RESPONSE', `Alipay answered with unexpected code ${error.code} ${error.subCode ?? ''}`.trim());
}
