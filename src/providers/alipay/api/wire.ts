/**
 * Alipay's wire format for what we speak: the open platform gateway's OpenAPI 2.0 (alipay.system.oauth.token) and
 * my.getPhoneNumber's signed, encrypted `response`. Shared by AlipayApi (alipay-api.ts) and the simulator
 * (../simulator/); nothing else lives here. Facts and their sources: docs/providers/alipay.md.
 */

/** The production gateway: every OpenAPI 2.0 method is a POST to this one URL. */
export const ALIPAY_GATEWAY = 'https://openapi.alipay.com/gateway.do';

/** The methods the simulator serves and AlipayApi calls, by the names the fault control API uses. */
export const ALIPAY_APIS = ['alipay.system.oauth.token'] as const;
export type AlipayApiName = (typeof ALIPAY_APIS)[number];

/** `alipay.system.oauth.token` → `alipay_system_oauth_token_response`: the key of a method's answer. */
export function responseKey(method: string): string {
  return `${method.replaceAll('.', '_')}_response`;
}

/** The key of an answer the gateway gives instead of the method's (bad signature, bad code, unknown app...). */
export const ERROR_RESPONSE_KEY = 'error_response';

/** Every gateway answer body: code '10000' on success, else code, msg, sub_code and sub_msg. */
export interface GatewayResult {
  code?: string;
  msg?: string;
  sub_code?: string;
  sub_msg?: string;
}

/**
 * alipay_system_oauth_token_response. Apps on the user_id standard get user_id (2088 + 12 digits); apps on the open_id
 * standard get open_id; during an app's move (whitelist and grey release) both. Success carries no code field.
 */
export interface OauthTokenResponse extends GatewayResult {
  user_id?: string;
  open_id?: string;
  access_token: string;
  expires_in: number | string;
  refresh_token: string;
  re_expires_in: number | string;
  auth_start?: string;
}

/** Gateway codes we act on (the public error code table). */
export const GATEWAY_CODE = {
  SUCCESS: '10000',
  /** Service Currently Unavailable: isp.unknow-error / aop.unknow-error, "稍后重试". */
  UNAVAILABLE: '20000',
  INSUFFICIENT_TOKEN_PERMISSIONS: '20001',
  MISSING_ARGUMENTS: '40001',
  INVALID_ARGUMENTS: '40002',
  BUSINESS_FAILED: '40004',
  INSUFFICIENT_PERMISSIONS: '40006',
} as const;

/** Sub-codes we act on. */
export const SUB_CODE = {
  CODE_INVALID: 'isv.code-invalid',
  INVALID_SIGNATURE: 'isv.invalid-signature',
  INVALID_APP_ID: 'isv.invalid-app-id',
  MISSING_SIGNATURE: 'isv.missing-signature',
  INVALID_TIMESTAMP: 'isv.invalid-timestamp',
  INSUFFICIENT_ISV_PERMISSIONS: 'isv.insufficient-isv-permissions',
  ISP_UNKNOWN: 'isp.unknow-error',
  AOP_UNKNOWN: 'aop.unknow-error',
} as const;

/** my.getPhoneNumber's `response`: a JSON string the client passes on verbatim. */
export interface PhoneResponseEnvelope {
  /** Base64 AES-128-CBC ciphertext (zero IV, PKCS#5), or plain JSON when the app set no content encryption. */
  response: string;
  /** RSA2 over the response as it appears in JSON: the ciphertext inside double quotes, plain JSON as is. */
  sign: string;
  sign_type?: string;
  encrypt_type?: string;
  charset?: string;
}

/** The decrypted phone answer. */
export interface PhonePlaintext extends GatewayResult {
  mobile?: string;
}

/** The signed text of a phone response: Alipay signs the value as it stands in its JSON (a string keeps its quotes). */
export function phoneSignContent(response: string): string {
  return response.startsWith('{') ? response : `"${response}"`;
}
