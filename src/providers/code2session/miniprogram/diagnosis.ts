import { WeappAuthError } from '../../../lib/errors.js';
import type { DecryptError } from '../api/crypto.js';

/**
 * What encryptedData's own shape tells about a failure, before any key is in question: damage by URL encoding
 * (DECRYPT_FAILED with a hint) or input that is no encryptedData at all (VALIDATION_FAILED). Undefined when the data
 * looked right and the key did not open it: each platform knows its own next step there.
 */
export function inputDiagnosis(error: DecryptError): WeappAuthError | undefined {
  switch (error.failure) {
    case 'spaces_in_base64':
    case 'url_encoded':
      return new WeappAuthError('DECRYPT_FAILED', error.message, { details: { hint: error.failure } });
    case 'not_base64':
    case 'bad_iv_length':
    case 'bad_data_length':
      return new WeappAuthError('VALIDATION_FAILED', error.message);
    case 'wrong_key_or_damaged':
      return undefined;
  }
}
