import type * as alipaySdk from 'alipay-sdk';
import type { AlipaySdk } from 'alipay-sdk';
import { loadWhenNeeded } from '../../../lib/optional-module.js';
import { fetchAnswer, NoAnswerError, parseJsonObject, retryWhileBusy, type UpstreamAnswer } from '../../../lib/upstream/http.js';
import { AlipayApiError, AlipayPhoneResponseError, AlipayTransportError } from './errors.js';
import { type AlipayApiName, ERROR_RESPONSE_KEY, GATEWAY_CODE, type PhonePlaintext, phoneSignContent, responseKey } from './wire.js';

/** One Alipay mini program's keys, as the open platform console gives them. */
export interface AlipayAppCredentials {
  appid: string;
  /** The app's RSA2 private key, PEM (PKCS#8 or PKCS#1). */
  privateKey: string;
  /** The Alipay public key shown for this app ("支付宝公钥"), PEM: checks every answer. */
  alipayPublicKey: string;
  /** The app's content-encryption key ("接口内容加密方式", base64 AES key): opens my.getPhoneNumber's response. */
  encryptKey?: string;
}

export interface AlipayTransport {
  /** The gateway URL (https://openapi.alipay.com/gateway.do) or a simulator's. */
  gateway: string;
  timeoutMs: number;
  /** Extra attempts after 20000 (service unavailable, "稍后重试"). */
  retries: number;
  /** Told of every attempt, for logs and metrics; never sees parameters or answers, which hold codes and tokens. */
  observe?: (event: AlipayCallEvent) => void;
}

export interface AlipayCallEvent {
  api: AlipayApiName;
  attempt: number;
  durationMs: number;
  /** '10000' on success, the gateway's code (and sub_code) on an error answer, undefined when no trusted answer came. */
  code: string | undefined;
  subCode: string | undefined;
  failure: AlipayTransportError['failure'] | undefined;
}

export interface OauthToken {
  /** 2088…: apps on the user_id standard, and apps moving to open_id. */
  userId: string | undefined;
  /** Apps on the open_id standard, and apps moving to it. */
  openId: string | undefined;
}

/** System parameters travel in the gateway URL, business ones in the form body: as alipay-sdk's exec sends them. */
const URL_PARAMETERS: ReadonlySet<string> = new Set(['app_id', 'method', 'format', 'charset', 'sign_type', 'sign', 'timestamp', 'version']);

/**
 * The server side of Alipay's mini program login and phone number. alipay-sdk (the official SDK) signs every request
 * and checks every signature and decrypts; the HTTP call is ours, because exec() hides the raw answer we need to
 * verify a signed error_response, and fails that check on every error (it looks for the method's key).
 */
export class AlipayApi {
  readonly #sdks: ReadonlyMap<string, AlipaySdk>;

  constructor(
    private readonly transport: AlipayTransport,
    apps: readonly AlipayAppCredentials[],
  ) {
    // Loaded here, not at start-up: it costs a server without Alipay apps about 30 MiB and a third of a second.
    const { AlipaySdk } = loadWhenNeeded<typeof alipaySdk>('alipay-sdk');
    this.#sdks = new Map(
      apps.map((app) => [
        app.appid,
        new AlipaySdk({
          appId: app.appid,
          privateKey: app.privateKey,
          alipayPublicKey: app.alipayPublicKey,
          gateway: transport.gateway,
          timeout: transport.timeoutMs,
          signType: 'RSA2',
          keyType: app.privateKey.includes('BEGIN RSA PRIVATE KEY') ? 'PKCS1' : 'PKCS8',
          ...(app.encryptKey === undefined ? {} : { encryptKey: app.encryptKey }),
        }),
      ]),
    );
  }

  /** alipay.system.oauth.token: a my.getAuthCode authCode → the user's ids in this app. */
  async oauthToken(appid: string, code: string): Promise<OauthToken> {
    const api = 'alipay.system.oauth.token';
    const answer = await this.call(appid, api, { grantType: 'authorization_code', code });
    const id = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
    const token = { userId: id(answer.user_id), openId: id(answer.open_id) };
    if (token.userId === undefined && token.openId === undefined) {
      throw new AlipayTransportError(api, 'bad_response', 'answer names neither user_id nor open_id');
    }
    return token;
  }

  /**
   * Checks a my.getPhoneNumber `response` (the JSON text the client got) against the app's Alipay public key and
   * opens it with the app's content-encryption key. Throws AlipayPhoneResponseError, or AlipayApiError when Alipay
   * itself refused (e.g. 40003 isv.invalid-auth-relations: the user did not consent).
   */
  openPhoneResponse(appid: string, text: string): PhonePlaintext {
    const sdk = this.sdk(appid);
    const envelope = parseJsonObject(text);
    const { response, sign, sign_type: signType } = envelope ?? {};
    if (typeof response !== 'string' || response === '' || typeof sign !== 'string' || sign === '') {
      throw new AlipayPhoneResponseError('malformed', 'not my.getPhoneNumber’s response: a JSON object with response and sign');
    }
    if (signType !== undefined && signType !== 'RSA2') {
      throw new AlipayPhoneResponseError('malformed', `unsupported sign_type ${String(signType)}`);
    }
    if (!sdk.rsaCheck(phoneSignContent(response), sign, 'RSA2')) {
      throw new AlipayPhoneResponseError('bad_signature', 'the response is not signed by Alipay for this app');
    }
    let plain = response;
    if (!response.startsWith('{')) {
      if (sdk.config.encryptKey === undefined || sdk.config.encryptKey === '') {
        throw new AlipayPhoneResponseError('no_encryption_key', `no content-encryption key is configured for ${appid}`);
      }
      try {
        plain = sdk.aesDecrypt(response);
      } catch {
        plain = '';
      }
    }
    const answer = parseJsonObject(plain);
    if (answer === undefined) throw new AlipayPhoneResponseError('undecryptable', 'the response does not open with this app’s key');
    if (answer.code !== GATEWAY_CODE.SUCCESS) {
      const subCode = answer.subCode ?? answer.sub_code;
      const subMsg = answer.subMsg ?? answer.sub_msg;
      throw new AlipayApiError(
        'my.getPhoneNumber',
        String(answer.code),
        typeof subCode === 'string' ? subCode : undefined,
        typeof subMsg === 'string' ? subMsg : undefined,
        undefined,
      );
    }
    return answer as PhonePlaintext;
  }

  private sdk(appid: string): AlipaySdk {
    const sdk = this.#sdks.get(appid);
    if (sdk === undefined) throw new Error(`Alipay app ${appid} is not configured`);
    return sdk;
  }

  /** One logical call: retried with backoff on 20000 only, the code Alipay's table answers with "稍后重试". */
  private async call(appid: string, api: AlipayApiName, params: Record<string, string>): Promise<Record<string, unknown>> {
    const sdk = this.sdk(appid);
    const busy = (error: unknown): boolean => error instanceof AlipayApiError && error.code === GATEWAY_CODE.UNAVAILABLE;
    return retryWhileBusy(this.transport.retries, busy, (attempt) => this.callOnce(sdk, api, params, attempt));
  }

  private async callOnce(
    sdk: AlipaySdk,
    api: AlipayApiName,
    params: Record<string, string>,
    attempt: number,
  ): Promise<Record<string, unknown>> {
    const started = performance.now();
    const report = (code: string | undefined, subCode: string | undefined, failure?: AlipayTransportError['failure']): void =>
      this.transport.observe?.({ api, attempt, durationMs: performance.now() - started, code, subCode, failure });
    const fail = (failure: AlipayTransportError['failure'], message: string, cause?: unknown): AlipayTransportError => {
      report(undefined, undefined, failure);
      return new AlipayTransportError(api, failure, message, { cause });
    };

    const url = new URL(this.transport.gateway);
    const body = new URLSearchParams();
    for (const [name, value] of new URLSearchParams(sdk.sdkExecute(api, params))) {
      (URL_PARAMETERS.has(name) ? url.searchParams : body).append(name, value);
    }
    let answered: UpstreamAnswer;
    try {
      answered = await fetchAnswer(
        url,
        {
          method: 'POST',
          headers: { accept: 'application/json' },
          form: body,
        },
        this.transport.timeoutMs,
      );
    } catch (cause) {
      if (!(cause instanceof NoAnswerError)) throw cause;
      throw fail(cause.failure, cause.message, cause);
    }
    const { text } = answered;
    const traceId = answered.headers.get('trace_id') ?? undefined;
    if (answered.status !== 200) throw fail('bad_response', `HTTP ${answered.status}`);

    const parsed = parseJsonObject(text);
    const key = parsed?.[responseKey(api)] !== undefined ? responseKey(api) : ERROR_RESPONSE_KEY;
    const answer = parsed?.[key];
    if (typeof answer !== 'object' || answer === null) throw fail('bad_response', 'answer is not a gateway answer');
    const sign = parsed?.sign;
    // The method's answer must be signed; an error_response is checked when signed (an unknown app_id has no key to sign with).
    if (sign !== undefined || key !== ERROR_RESPONSE_KEY) {
      try {
        if (typeof sign !== 'string') throw new Error('unsigned answer');
        sdk.checkResponseSign(text, key, sign, traceId ?? '');
      } catch (cause) {
        throw fail('bad_signature', 'the answer’s signature does not verify with the Alipay public key', cause);
      }
    }
    const result = answer as Record<string, unknown>;
    const code = result.code === undefined ? GATEWAY_CODE.SUCCESS : String(result.code);
    if (code !== GATEWAY_CODE.SUCCESS) {
      const subCode = typeof result.sub_code === 'string' ? result.sub_code : undefined;
      const error = new AlipayApiError(api, code, subCode, typeof result.sub_msg === 'string' ? result.sub_msg : undefined, traceId);
      report(code, subCode);
      throw error;
    }
    report(code, undefined);
    return result;
  }
}
