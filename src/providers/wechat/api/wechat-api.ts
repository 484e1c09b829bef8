import { sessionKeySignature } from './crypto.js';
import { WechatApiError, WechatTransportError } from './errors.js';
import { callWechat, type WechatTransport } from './request.js';
import { ERRCODE, type StableTokenRequest, type WechatApiName } from './wire.js';

export interface WechatAppCredentials {
  appid: string;
  secret: string;
}

export interface Code2Session {
  openid: string;
  unionid: string | null;
  sessionKey: string;
}

export interface FetchedAccessToken {
  token: string;
  expiresInSeconds: number;
}

export interface PhoneNumber {
  phoneNumber: string;
  purePhoneNumber: string;
  countryCode: string;
  watermarkAppid: string;
}

/** The server side of WeChat's mini program APIs. Knows nothing of our users or storage. */
export class WechatApi {
  constructor(private readonly deps: WechatTransport) {}

  /** code2Session: exchanges a wx.login code for the user's openid, unionid and session_key. */
  async code2Session(app: WechatAppCredentials, code: string): Promise<Code2Session> {
    const body = await callWechat(this.deps, {
      api: 'jscode2session',
      query: { appid: app.appid, secret: app.secret, js_code: code, grant_type: 'authorization_code' },
    });
    const { openid, session_key: sessionKey, unionid } = body;
    if (typeof openid !== 'string' || openid === '' || typeof sessionKey !== 'string' || sessionKey === '') {
      throw new WechatTransportError('jscode2session', 'bad_response', 'answer lacks openid or session_key');
    }
    return { openid, sessionKey, unionid: typeof unionid === 'string' && unionid !== '' ? unionid : null };
  }

  /** GET /cgi-bin/token: every call mints a new token and starts the old one's 5-minute countdown. */
  async plainAccessToken(app: WechatAppCredentials): Promise<FetchedAccessToken> {
    const body = await callWechat(this.deps, {
      api: 'token',
      query: { grant_type: 'client_credential', appid: app.appid, secret: app.secret },
    });
    return accessTokenOf('token', body);
  }

  /** POST /cgi-bin/stable_token: the same token while it is valid, independent of /cgi-bin/token. */
  async stableAccessToken(app: WechatAppCredentials, forceRefresh = false): Promise<FetchedAccessToken> {
    const body = await callWechat(this.deps, {
      api: 'stable_token',
      query: {},
      body: {
        grant_type: 'client_credential',
        appid: app.appid,
        secret: app.secret,
        force_refresh: forceRefresh,
      } satisfies StableTokenRequest,
    });
    return accessTokenOf('stable_token', body);
  }

  /** getuserphonenumber with the getPhoneNumber button's code; `openid` makes WeChat check the code is that user's. */
  async phoneNumber(accessToken: string, code: string, openid?: string): Promise<PhoneNumber> {
    const body = await callWechat(this.deps, {
      api: 'getuserphonenumber',
      query: { access_token: accessToken },
      body: openid === undefined ? { code } : { code, openid },
    });
    const info = body.phone_info as Record<string, unknown> | undefined;
    const watermark = info?.watermark as Record<string, unknown> | undefined;
    const { phoneNumber, purePhoneNumber, countryCode } = info ?? {};
    if (typeof phoneNumber !== 'string' || typeof purePhoneNumber !== 'string' || typeof watermark?.appid !== 'string') {
      throw new WechatTransportError('getuserphonenumber', 'bad_response', 'answer lacks phone_info');
    }
    // Documented as a string, shown as a number in WeChat's own example: accept both.
    if (typeof countryCode !== 'string' && typeof countryCode !== 'number') {
      throw new WechatTransportError('getuserphonenumber', 'bad_response', 'answer lacks phone_info.countryCode');
    }
    return { phoneNumber, purePhoneNumber, countryCode: String(countryCode), watermarkAppid: watermark.appid };
  }

  /** checksession: true when `sessionKey` is the user's current key, false when WeChat says it is stale (87009). */
  async isSessionKeyCurrent(accessToken: string, openid: string, sessionKey: string): Promise<boolean> {
    try {
      await callWechat(this.deps, { api: 'checksession', query: this.signedQuery(accessToken, openid, sessionKey) });
      return true;
    } catch (error) {
      if (error instanceof WechatApiError && error.errcode === ERRCODE.INVALID_SIGNATURE) return false;
      throw error;
    }
  }

  /** resetusersessionkey: proves possession of the current key and gets a new one; the old one dies. */
  async resetSessionKey(accessToken: string, openid: string, sessionKey: string): Promise<string> {
    const body = await callWechat(this.deps, {
      api: 'resetusersessionkey',
      query: this.signedQuery(accessToken, openid, sessionKey),
    });
    if (typeof body.session_key !== 'string' || body.session_key === '') {
      throw new WechatTransportError('resetusersessionkey', 'bad_response', 'answer lacks session_key');
    }
    return body.session_key;
  }

  private signedQuery(accessToken: string, openid: string, sessionKey: string): Record<string, string> {
    return { access_token: accessToken, openid, signature: sessionKeySignature(sessionKey), sig_method: 'hmac_sha256' };
  }
}

function accessTokenOf(api: WechatApiName, body: Record<string, unknown>): FetchedAccessToken {
  const { access_token: token, expires_in: expiresIn } = body;
  if (typeof token !== 'string' || token === '' || typeof expiresIn !== 'number' || expiresIn <= 0) {
    throw new WechatTransportError(api, 'bad_response', 'answer lacks access_token or expires_in');
  }
  return { token, expiresInSeconds: expiresIn };
}
