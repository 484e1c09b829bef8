/**
 * Kuaishou mini programs' wire format (code2session), shared by the client (client.ts) and the simulator.
 * Facts and their sources: docs/providers/kuaishou.md.
 */

/** POST, application/x-www-form-urlencoded: app_id, app_secret, js_code. */
export const KUAISHOU_CODE2SESSION = { api: 'code2session', path: '/oauth2/mp/code2session' } as const;

export const KUAISHOU_API_BASE = 'https://open.kuaishou.com';

/** Every answer carries `result`: 1 is success, anything else an error with `error_msg`. */
export const KUAISHOU_RESULT = {
  OK: 1,
  /** Parameters missing or wrong: with our parameters always present, a bad js_code. */
  INVALID_PARAMS: 100200100,
  /** app_id and app_secret do not match. */
  INVALID_CREDENTIALS: 100200101,
} as const;

export interface KuaishouSessionResponse {
  result: 1;
  session_key: string;
  open_id: string;
}

export interface KuaishouErrorResponse {
  result: number;
  error_msg: string;
}
