import type { KeyObject } from 'node:crypto';
import { DouyinTransportError } from './errors.js';
import { decryptPhoneData } from './phone-cipher.js';
import { callDouyin, type DouyinTransport } from './request.js';
import { ACCESS_TOKEN_HEADER, type AccessTokenRequest, type Code2SessionRequest, type DouyinApiName } from './wire.js';

export interface DouyinAppCredentials {
  appid: string;
  secret: string;
}

/** code2Session's answer: a guest's has only anonymousOpenid; a logged-in user's has openid and session_key too. */
export interface Code2Session {
  openid: string | null;
  sessionKey: string | null;
  unionid: string | null;
  anonymousOpenid: string | null;
}

export interface FetchedAccessToken {
  token: string;
  expiresInSeconds: number;
}

/** The server side of Douyin's mini program APIs. Knows nothing of our users or storage. */
export class DouyinApi {
  constructor(private readonly deps: DouyinTransport) {}

  /** code2Session: a tt.login code and/or anonymousCode → openid, session_key, unionid and/or anonymous_openid. */
  async code2Session(app: DouyinAppCredentials, codes: { code?: string; anonymousCode?: string }): Promise<Code2Session> {
    const body: Code2SessionRequest = {
      appid: app.appid,
      secret: app.secret,
      code: codes.code ?? '',
      anonymous_code: codes.anonymousCode ?? '',
    };
    const data = record('jscode2session', await callDouyin(this.deps, { api: 'jscode2session', body }));
    const session = {
      openid: nonEmpty(data.openid),
      sessionKey: nonEmpty(data.session_key),
      unionid: nonEmpty(data.unionid),
      anonymousOpenid: nonEmpty(data.anonymous_openid),
    };
    if (codes.code !== undefined && (session.openid === null || session.sessionKey === null)) {
      throw new DouyinTransportError('jscode2session', 'bad_response', 'answer to a code lacks openid or session_key');
    }
    if (codes.anonymousCode !== undefined && session.anonymousOpenid === null) {
      throw new DouyinTransportError('jscode2session', 'bad_response', 'answer to an anonymous_code lacks anonymous_openid');
    }
    return session;
  }

  /** /api/apps/v2/token: a new app access token; the previous one keeps working 5 more minutes. */
  async accessToken(app: DouyinAppCredentials): Promise<FetchedAccessToken> {
    const body: AccessTokenRequest = { appid: app.appid, secret: app.secret, grant_type: 'client_credential' };
    const data = record('token', await callDouyin(this.deps, { api: 'token', body }));
    const { access_token: token, expires_in: expiresIn } = data;
    if (typeof token !== 'string' || token === '' || typeof expiresIn !== 'number' || expiresIn <= 0) {
      throw new DouyinTransportError('token', 'bad_response', 'answer lacks access_token or expires_in');
    }
    return { token, expiresInSeconds: expiresIn };
  }

  /** get_phonenumber_info with the phone button's code; the answer is opened with the app's private key. */
  async phoneNumber(accessToken: string, code: string, privateKey: KeyObject): Promise<Record<string, unknown>> {
    const data = await callDouyin(this.deps, {
      api: 'get_phonenumber_info',
      body: { code },
      headers: { [ACCESS_TOKEN_HEADER]: accessToken },
    });
    if (typeof data !== 'string' || data === '') {
      throw new DouyinTransportError('get_phonenumber_info', 'bad_response', 'answer lacks the encrypted data');
    }
    return decryptPhoneData(privateKey, data);
  }
}

function record(api: DouyinApiName, data: unknown): Record<string, unknown> {
  if (typeof data !== 'object' || data === null) throw new DouyinTransportError(api, 'bad_response', 'answer lacks data');
  return data as Record<string, unknown>;
}

function nonEmpty(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}
