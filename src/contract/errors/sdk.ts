/*
 * Client-side codes: reported by the mini program SDK itself, never answered by the server (which has no status for
 * them). The SDK passes the server's own codes (ErrorCode) through beside these.
 */

/**
 * - NETWORK_ERROR: no HTTP answer (server down, no network, timeout, domain not whitelisted).
 * - LOGIN_FAILED: the platform's login (wx.login) itself failed.
 * - BAD_RESPONSE: an answer that is not the server's JSON (a proxy's error page).
 * - PHONE_DENIED: the user declined the getPhoneNumber button.
 * - ENCRYPTED_DATA_STALE: encryptedData made with a session_key that a re-login replaced; ask the user again.
 * - UNTRUSTED_ORIGIN: a token would go to a host that is neither baseUrl's nor in trustedOrigins.
 */
export type ClientErrorCode =
  | 'NETWORK_ERROR'
  | 'LOGIN_FAILED'
  | 'BAD_RESPONSE'
  | 'PHONE_DENIED'
  | 'ENCRYPTED_DATA_STALE'
  | 'UNTRUSTED_ORIGIN';
