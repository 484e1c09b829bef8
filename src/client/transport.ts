import { AuthClientError, errorFromResponse } from './errors.js';
import { Limiter } from './limiter.js';
import { type HttpMethod, type Platform, PlatformFailure, type PlatformRequest } from './platform.js';

export interface Call {
  /** A path on the server (`/api/me`) or an absolute URL. */
  url: string;
  method: HttpMethod;
  data?: PlatformRequest['data'];
  header?: Record<string, string>;
  /** Access token to send as `Authorization: Bearer`. */
  token?: string;
  timeout?: number;
  /** Login and refresh go before queued requests. */
  urgent?: boolean;
}

/** One HTTP call to the server through the concurrency limit: the parsed body on 2xx, an AuthClientError otherwise. */
export class Transport {
  private readonly limiter: Limiter;
  private readonly baseUrl: string;
  /** Origins the access token may go to: baseUrl's and the configured ones, lower-cased. */
  private readonly trusted: Set<string>;

  constructor(
    private readonly platform: Platform,
    baseUrl: string,
    maxConcurrent: number,
    private readonly timeout: number | undefined,
    trustedOrigins: string[],
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.limiter = new Limiter(maxConcurrent);
    this.trusted = new Set([baseUrl, ...trustedOrigins].map(originOf));
  }

  async send(call: Call): Promise<unknown> {
    const url = /^https?:\/\//.test(call.url) ? call.url : this.baseUrl + call.url;
    const header: Record<string, string> = { 'content-type': 'application/json', ...call.header };
    if (call.token !== undefined) {
      if (!this.trusted.has(originOf(url))) {
        throw new AuthClientError(
          'UNTRUSTED_ORIGIN',
          `not sending the access token to ${originOf(url)}: add it to trustedOrigins, or send with auth: false`,
        );
      }
      header.Authorization = `Bearer ${call.token}`;
    }
    const timeout = call.timeout ?? this.timeout;
    const request: PlatformRequest = { url, method: call.method, header, ...(timeout === undefined ? {} : { timeout }) };
    if (call.data !== undefined) request.data = call.data;
    let response;
    try {
      response = await this.limiter.run(() => this.platform.send(request), call.urgent);
    } catch (error) {
      if (!(error instanceof PlatformFailure)) throw error;
      throw new AuthClientError('NETWORK_ERROR', `could not reach ${url}: ${error.message}`);
    }
    if (response.statusCode >= 200 && response.statusCode < 300) return response.data;
    throw errorFromResponse(response.statusCode, response.data);
  }
}

/** `https://Host:8443/path?q` → `https://host:8443`, without URL, which older mini program base libraries lack. */
function originOf(url: string): string {
  return (/^https?:\/\/[^/?#]+/i.exec(url)?.[0] ?? url).toLowerCase();
}
