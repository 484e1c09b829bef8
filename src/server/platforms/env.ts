// Stand-in for the seam's helpers (/tmp/notes/seam.md) until they land on main; main's version replaces this one.
import type { Env } from './platform.js';

export function readAppCredentials(
  env: Env,
  problems: string[],
  options: { variable: string; appid: RegExp; what: string },
): { appid: string; secret: string }[] {
  const raw = env[options.variable]?.trim();
  if (!raw) return [];
  return raw.split(',').flatMap((entry) => {
    const colon = entry.indexOf(':');
    const appid = entry.slice(0, Math.max(colon, 0)).trim();
    const secret = entry.slice(colon + 1).trim();
    if (colon <= 0 || secret === '' || !options.appid.test(appid)) {
      problems.push(`${options.variable}: each entry must be appid:secret with ${options.what}`);
      return [];
    }
    return [{ appid, secret }];
  });
}

export function readApiBase(
  env: Env,
  problems: string[],
  variable: string,
  defaultUrl: string | undefined,
  production: boolean,
): string | undefined {
  const raw = env[variable]?.trim();
  if (!raw) return defaultUrl;
  try {
    const url = new URL(raw);
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    if (production && url.protocol !== 'https:' && !loopback) problems.push(`${variable} must be https in production`);
    return raw.replace(/\/+$/, '');
  } catch {
    problems.push(`${variable} must be a URL`);
    return defaultUrl;
  }
}

export function readInteger(env: Env, problems: string[], variable: string, fallback: number, min: number, max: number): number {
  const raw = env[variable]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${variable} must be a whole number from ${min} to ${max}`);
    return fallback;
  }
  return value;
}
