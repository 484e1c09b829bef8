import { isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';
import type { RequestOrigin } from '../core/request-origin.js';

/** The request's id, the caller's address (through trusted proxies only) and user agent, for the core calls that record them. */
export function requestOrigin(request: FastifyRequest): RequestOrigin {
  const userAgent = request.headers['user-agent'];
  return { requestId: String(request.id), ip: normalizeIp(request.ip), userAgent: typeof userAgent === 'string' ? userAgent : null };
}

/**
 * An X-Forwarded-For entry that is not an IP address (`<script>`, Squid's "unknown", 100 characters of anything) is
 * not believed: the header is dropped, so `request.ip` falls back to the TCP peer for everything that reads it
 * (rate limits, logs, sessions, the audit log). Refusing the request instead would lock out every client whose
 * own proxy writes such entries, and would leave a misconfigured TRUST_PROXY silently refusing traffic.
 */
export function distrustInvalidForwardedFor(request: FastifyRequest): void {
  if (request.headers['x-forwarded-for'] !== undefined && isIP(request.ip ?? '') === 0) {
    delete request.raw.headers['x-forwarded-for'];
  }
}

const IPV4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/;

/**
 * An IP address in one spelling: IPv4-mapped IPv6 (a dual-stack socket's view of an IPv4 peer) as plain IPv4,
 * IPv6 in lower case, without a zone index (meaningless off this host, and of any length). Null for anything else.
 */
export function normalizeIp(value: string | undefined): string | null {
  const address = value?.split('%')[0]?.toLowerCase();
  if (address === undefined || isIP(address) === 0) return null;
  return IPV4_MAPPED.exec(address)?.[1] ?? address;
}
