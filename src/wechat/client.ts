import { WechatTransportError } from './errors.js';
import { callWechat, type WechatTransport } from './request.js';

export interface WechatAppCredentials {
  appid: string;
  secret: string;
}

export interface Code2Session {
  openid: string;
  unionid: string | null;
  sessionKey: string;
}

/** The server side of WeChat's mini program APIs. Knows nothing of our users or storage. */
export class WechatClient {
  constructor(private readonly transport: WechatTransport) {}

  /** code2Session: exchanges a wx.login code for the user's openid, unionid and session_key. */
  async code2Session(app: WechatAppCredentials, code: string): Promise<Code2Session> {
    const body = await callWechat(this.transport, {
      api: 'jscode2session',
      query: { appid: app.appid, secret: app.secret, js_code: code, grant_type: 'authorization_code' },
    });
    const { openid, session_key: sessionKey, unionid } = body;
    if (typeof openid !== 'string' || openid === '' || typeof sessionKey !== 'string' || sessionKey === '') {
      throw new WechatTransportError('jscode2session', 'bad_response', 'answer lacks openid or session_key');
    }
    return { openid, sessionKey, unionid: typeof unionid === 'string' && unionid !== '' ? unionid : null };
  }
}
