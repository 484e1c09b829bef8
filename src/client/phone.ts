import type { PhoneRequest } from '../contract/api.js';
import { AuthClientError } from './errors.js';

/** `e.detail` of `<button open-type="getPhoneNumber" bindgetphonenumber>`. */
export interface PhoneButtonDetail {
  errMsg?: string;
  /** The current way (base library ≥ 2.21.2): a one-time code the server exchanges; no session_key involved. */
  code?: string;
  /** The legacy way: data only the session_key of the latest wx.login opens. */
  encryptedData?: string;
  iv?: string;
}

/** The body of `POST /api/me/phone`: the code when there is one, encryptedData + iv only without it. */
export function phoneRequestBody(detail: PhoneButtonDetail): PhoneRequest {
  if (typeof detail.code === 'string' && detail.code !== '') return { code: detail.code };
  if (typeof detail.encryptedData === 'string' && typeof detail.iv === 'string')
    return { encryptedData: detail.encryptedData, iv: detail.iv };
  throw new AuthClientError('PHONE_DENIED', `no phone number was shared (${detail.errMsg ?? 'no code in the event'})`);
}
