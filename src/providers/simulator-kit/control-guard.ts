/**
 * The control API mints a login for any openid: a web page that a developer with the simulator running happens to
 * visit must not be able to drive it. Such a page can send, without asking the browser first, only "simple"
 * requests (a form or text/plain body, no JSON), the browser says where they come from (Origin, Sec-Fetch-Site),
 * and a DNS-rebinding page, which calls this machine under its own name, gives that name away in Host.
 */
import { isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';
import { ControlError } from './control-errors.js';

/** Sec-Fetch-Site values of a request the page at this origin made, or a person (address bar, curl, tests). */
const OWN_FETCH_SITES = new Set(['same-origin', 'none']);

/**
 * Refuses a control request that a browser made for a page of another origin, that names a host neither loopback,
 * an IP address nor one of `hosts`, or that carries a body other than JSON. A request with no body at all (curl
 * -X POST) needs no Content-Type: a browser sends it cross-site only with an Origin, refused above.
 */
export function checkControlRequest(request: FastifyRequest, hosts: readonly string[]): void {
  const host = request.headers.host;
  const own = host === undefined ? undefined : parseHost(host);
  if (host !== undefined && (own === undefined || !isAllowedHost(own.hostname, hosts))) {
    const message = `the control API answers only on loopback, an IP address or its own host name, not ${host}`;
    throw new ControlError(403, 'UNKNOWN_HOST', message);
  }
  const fetchSite = request.headers['sec-fetch-site'];
  if (typeof fetchSite === 'string' && !OWN_FETCH_SITES.has(fetchSite)) {
    throw new ControlError(403, 'CROSS_SITE_REQUEST', `the control API refuses requests from other sites (Sec-Fetch-Site: ${fetchSite})`);
  }
  const origin = request.headers.origin;
  if (origin !== undefined && parseHost(origin, '')?.host !== own?.host) {
    throw new ControlError(403, 'CROSS_SITE_REQUEST', `the control API refuses requests from pages of other origins (${origin})`);
  }
  if (hasBody(request) && !isJson(request.headers['content-type'])) {
    throw new ControlError(415, 'UNSUPPORTED_MEDIA_TYPE', 'control request bodies must be sent as Content-Type: application/json');
  }
}

/** Host and hostname of a Host header (`prefix` http://) or an Origin (`prefix` ''); undefined when unparsable. */
function parseHost(value: string, prefix = 'http://'): { host: string; hostname: string } | undefined {
  try {
    const url = new URL(prefix + value);
    return url.host === '' ? undefined : { host: url.host, hostname: url.hostname.replace(/^\[(.*)\]$/, '$1') };
  } catch {
    return undefined;
  }
}

/** An IP address cannot be rebound: a page calling one is served from that address. Names must be ours. */
function isAllowedHost(hostname: string, hosts: readonly string[]): boolean {
  return isIP(hostname) !== 0 || hostname === 'localhost' || hostname.endsWith('.localhost') || hosts.includes(hostname);
}

function hasBody(request: FastifyRequest): boolean {
  const { 'content-type': type, 'content-length': length, 'transfer-encoding': encoding } = request.headers;
  return type !== undefined || encoding !== undefined || (length !== undefined && length !== '0');
}

function isJson(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}
