/**
 * Reading environment variables into typed settings, for the server's configuration and each platform's group: every
 * problem is collected, naming its variable, so a start reports them all at once.
 */

export type Env = Readonly<Record<string, string | undefined>>;

export class EnvReader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  optional(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  string(name: string, fallback: string): string {
    return this.optional(name) ?? fallback;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  }

  boolean(name: string, fallback: boolean): boolean {
    const raw = this.optional(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    this.problems.push(`${name} must be true or false, got "${raw}"`);
    return fallback;
  }

  url(name: string, fallback: string): string {
    const value = this.string(name, fallback);
    if (!isHttpUrl(value)) this.problems.push(`${name} must be an http(s) URL, got "${value}"`);
    return value.replace(/\/+$/, '');
  }

  /** Records a problem of the caller's own: the message names the variable. */
  problem(message: string): void {
    this.problems.push(message);
  }

  /** A platform API's base URL: https in production (it carries the app's secret), or plain http to this machine. */
  apiBase(name: string, fallback: string, production: boolean): string {
    const value = this.url(name, fallback);
    if (production && isHttpUrl(value) && !isSafeApiBase(value)) {
      this.problems.push(`${name} must be https in production (it carries the app's secret), got "${value}"`);
    }
    return value;
  }

  /**
   * `appid:secret,appid:secret`: the apps of a platform with their secrets, each appid in the platform's own form.
   * Secrets never appear in a problem.
   */
  appCredentials(name: string, appid: RegExp, what: string): { appid: string; secret: string }[] {
    const raw = this.optional(name);
    if (raw === undefined) return [];
    const apps: { appid: string; secret: string }[] = [];
    raw.split(',').forEach((entry, index) => {
      const colon = entry.indexOf(':');
      const id = (colon < 0 ? entry : entry.slice(0, colon)).trim();
      const secret = colon < 0 ? '' : entry.slice(colon + 1).trim();
      if (!appid.test(id)) this.problems.push(`${name}: entry ${index + 1} "${id}" is not ${what}`);
      else if (secret === '') this.problems.push(`${name}: the app ${id} needs a secret (appid:secret)`);
      else if (apps.some((app) => app.appid === id)) this.problems.push(`${name}: the app ${id} is listed twice`);
      else apps.push({ appid: id, secret });
    });
    return apps;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    this.problems.push(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
    return fallback;
  }
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** https, or plain http to this machine only (a local forward proxy): never the AppSecret in clear on a network. */
export function isSafeApiBase(value: string): boolean {
  const url = new URL(value);
  return url.protocol === 'https:' || isLoopback(url.hostname);
}

/** A host name or address that only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}
