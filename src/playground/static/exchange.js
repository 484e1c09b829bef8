// One HTTP exchange with the server on this origin, timed. The caller gets the real answer; listeners (the log,
// the phone's answer card) get a masked record only, so no display code ever holds a full secret.
import { maskSecret, maskSecrets } from './mask.js';

const listeners = [];

/** `listener(record)` runs after every exchange with `{kind, label, method, path, headers, body, status, answer, ms}`. */
export function onExchange(listener) {
  listeners.push(listener);
}

/**
 * Sends `json` (if any) with the Bearer `token` (if any). `kind` is 'sim' for the simulator's control API (what the
 * phone and WeChat would do) and 'api' for what the mini program sends to weapp-auth.
 */
export async function exchange(kind, label, method, path, { json, token } = {}) {
  const headers = {};
  if (json !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const started = performance.now();
  let status = 0;
  let body = null;
  try {
    const response = await fetch(path, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) });
    status = response.status;
    body = await readBody(response);
  } catch (error) {
    body = { networkError: String(error) };
  }
  const ms = Math.round(performance.now() - started);
  const record = {
    kind,
    label,
    method,
    path,
    headers: token ? { authorization: maskSecret(headers.authorization) } : {},
    body: maskSecrets(json),
    status,
    answer: maskSecrets(body),
    ms,
  };
  for (const listener of listeners) listener(record);
  return { status, body };
}

async function readBody(response) {
  const text = await response.text();
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
