import type { PhoneRequest } from '../contract/api.js';
import { AuthClientError } from './errors.js';
import type { PhoneButtonDetail } from './platform.js';

export type { PhoneButtonDetail };

/** The phone button's event (`e`) or its `e.detail`: the SDK takes either. */
export type PhoneButtonEvent = PhoneButtonDetail | { detail: PhoneButtonDetail };

export function detailOf(event: PhoneButtonEvent): PhoneButtonDetail {
  const detail = (event as { detail?: unknown }).detail;
  return typeof detail === 'object' && detail !== null ? (detail as PhoneButtonDetail) : (event as PhoneButtonDetail);
}

/** The body of `POST /api/me/phone`: the code when there is one, encryptedData + iv only without it. */
export function phoneRequestBody(detail: PhoneButtonDetail): PhoneRequest {
  if (typeof detail.code === 'string' && detail.code !== '') return { code: detail.code };
  if (typeof detail.encryptedData === 'string' && typeof detail.iv === 'string')
    return { encryptedData: detail.encryptedData, iv: detail.iv };
  throw new AuthClientError('PHONE_DENIED', `no phone number was shared (${detail.errMsg ?? 'no code in the event'})`);
}
