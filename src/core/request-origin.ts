/**
 * Who is asking, as the HTTP layer saw the request: recorded on the session a login opens (the user's device list)
 * and with every audit event. Routes pass it explicitly to each call that records one.
 */
export interface RequestOrigin {
  /** The request's id, as answered in X-Request-Id; null for what no request caused. */
  requestId: string | null;
  /** The caller's address (through trusted proxies only); null when it is not an IP address. */
  ip: string | null;
  userAgent: string | null;
}

/** The origin of what the operator does from the command line: no request, address or agent. */
export const OPERATOR: RequestOrigin = Object.freeze({ requestId: null, ip: null, userAgent: null });
