import { createDecipheriv, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RID_SUFFIX, useSimulator } from './helpers.js';

const sim = useSimulator();

const sign = (sessionKey: string): string => createHmac('sha256', sessionKey).update('').digest('hex');

async function signed(path: string, openid: string, sessionKey: string, extra: Record<string, string> = {}) {
  return sim.get(path, { access_token: await sim.plainToken(), openid, signature: sign(sessionKey), sig_method: 'hmac_sha256', ...extra });
}

describe('GET /wxa/checksession', () => {
  it('accepts the current key, signed as HMAC-SHA256 of "" keyed by the base64 text', async () => {
    const { openid, sessionKey } = await sim.mintCode();
    expect((await signed('/wxa/checksession', openid, sessionKey)).json).toEqual({ errcode: 0, errmsg: 'ok' });
  });

  it('rejects a signature keyed by the decoded key bytes (87009)', async () => {
    const { openid, sessionKey } = await sim.mintCode();
    const wrong = createHmac('sha256', Buffer.from(sessionKey, 'base64')).update('').digest('hex');
    const answer = await sim.get('/wxa/checksession', {
      access_token: await sim.plainToken(),
      openid,
      signature: wrong,
      sig_method: 'hmac_sha256',
    });
    expect(answer.json['errcode']).toBe(87009);
    expect(answer.json['errmsg']).toMatch(/^invalid signature, rid: /);
  });

  it('answers 87009 for an unknown openid and for a missing signature', async () => {
    const { sessionKey } = await sim.mintCode();
    expect((await signed('/wxa/checksession', 'oUnknownUser0000000000000000', sessionKey)).json['errcode']).toBe(87009);
    const { openid } = await sim.mintCode();
    const answer = await sim.get('/wxa/checksession', { access_token: await sim.plainToken(), openid, sig_method: 'hmac_sha256' });
    expect(answer.json['errcode']).toBe(87009);
  });

  it('answers 87008 for any sig_method but hmac_sha256', async () => {
    const { openid, sessionKey } = await sim.mintCode();
    const answer = await signed('/wxa/checksession', openid, sessionKey, { sig_method: 'sha1' });
    expect(answer.json['errcode']).toBe(87008);
    expect(answer.json['errmsg']).toMatch(RID_SUFFIX);
  });

  it('needs a valid access token (41001, 40001)', async () => {
    const { openid, sessionKey } = await sim.mintCode();
    const query = { openid, signature: sign(sessionKey), sig_method: 'hmac_sha256' };
    expect((await sim.get('/wxa/checksession', query)).json['errcode']).toBe(41001);
    expect((await sim.get('/wxa/checksession', { ...query, access_token: 'nope' })).json['errcode']).toBe(40001);
  });
});

describe('GET /wxa/resetusersessionkey', () => {
  it('returns a new key for the user and kills the old one', async () => {
    const { openid, sessionKey } = await sim.mintCode();
    const answer = await signed('/wxa/resetusersessionkey', openid, sessionKey);
    expect(answer.json).toMatchObject({ errcode: 0, errmsg: 'ok', openid });
    const fresh = answer.json['session_key'] as string;
    expect(Buffer.from(fresh, 'base64')).toHaveLength(16);
    expect(fresh).not.toBe(sessionKey);
    expect((await signed('/wxa/checksession', openid, sessionKey)).json['errcode']).toBe(87009);
    expect((await signed('/wxa/checksession', openid, fresh)).json['errcode']).toBe(0);
  });

  it('needs the current key (87009) and hmac_sha256 (87008)', async () => {
    const first = await sim.mintCode();
    const second = await sim.mintCode({ openid: first.openid });
    expect((await signed('/wxa/resetusersessionkey', first.openid, first.sessionKey)).json['errcode']).toBe(87009);
    expect((await signed('/wxa/resetusersessionkey', first.openid, second.sessionKey, { sig_method: 'md5' })).json['errcode']).toBe(87008);
  });

  it('makes /control/encrypt use the new key', async () => {
    const { openid, sessionKey } = await sim.mintCode();
    const fresh = (await signed('/wxa/resetusersessionkey', openid, sessionKey)).json['session_key'] as string;
    const { encryptedData, iv } = (await sim.post('/control/encrypt', { openid, data: { stepInfoList: [] } })).json;
    const decipher = createDecipheriv('aes-128-cbc', Buffer.from(fresh, 'base64'), Buffer.from(iv, 'base64'));
    const plain = Buffer.concat([decipher.update(Buffer.from(encryptedData, 'base64')), decipher.final()]).toString();
    expect(JSON.parse(plain).stepInfoList).toEqual([]);
  });
});
