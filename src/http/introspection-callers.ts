import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { RateLimiter } from '../core/rate-limiter.js';
import { constantTimeEqual, sha256Hex } from '../lib/crypto/random.js';
import { WeappAuthError } from '../lib/errors.js';

/** Who may introspect and how often, as the server's configuration says (INTROSPECTION_CLIENTS and its limits). */
export interface IntrospectionSettings {
  /** Backends that authenticate with HTTP Basic `client_id:client_secret` (RFC 7662 §2.1), each limited on its own. */
  clients: IntrospectionClient[];
  /** Introspections per minute per backend, across instances (0 = unlimited). */
  perClientPerMinute: number;
  /** Introspections per minute per IP for callers without credentials; undefined: such callers are refused. */
  anonymousPerIpPerMinute: number | undefined;
}

export interface IntrospectionClient {
  id: string;
  /** Hex SHA-256 of the secret: the secret itself is not kept, and comparing hashes takes the same time for any input. */
  secretHash: string;
}

const BASIC = /^Basic ([A-Za-z0-9+/]+={0,2})$/i;
/** Compared against for an unknown client id, so that an unknown id costs the same as a wrong secret. */
const NO_CLIENT = sha256Hex('no such introspection client');

/**
 * Who may introspect, counted where it is fair: a backend named in INTROSPECTION_CLIENTS, by HTTP Basic
 * `client_id:client_secret` (RFC 7662 §2.1), limited per backend wherever it calls from, so neither a busy backend nor
 * an attacker holding many sessions can use up another backend's allowance; anyone without credentials only when
 * INTROSPECTION_ANONYMOUS allows it, limited per IP. Wrong credentials are refused even then: a mistyped secret
 * must show, not pass as anonymous. Runs before the body is parsed.
 */
export function introspectionCallers(limiter: RateLimiter, settings: IntrospectionSettings): onRequestAsyncHookHandler {
  const secretHashes = new Map(settings.clients.map((client) => [client.id, client.secretHash]));
  return async function introspectionCaller(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const header = request.headers.authorization;
    if (header === undefined || header === '') {
      if (settings.anonymousPerIpPerMinute === undefined) {
        throw unauthorized(
          reply,
          'introspection needs a backend’s credentials: HTTP Basic client_id:client_secret from INTROSPECTION_CLIENTS',
        );
      }
      await limiter.hit(`introspect:ip:${request.ip}`, settings.anonymousPerIpPerMinute);
      return;
    }
    const client = basicCredentials(header);
    const expected = client === undefined ? undefined : secretHashes.get(client.id);
    // Both sides are hashes of equal length: the comparison takes the same time whatever was sent.
    const matches = constantTimeEqual(sha256Hex(client?.secret ?? ''), expected ?? NO_CLIENT) && expected !== undefined;
    if (client === undefined || !matches) throw unauthorized(reply, 'the introspection client credentials are not valid');
    await limiter.hit(`introspect:client:${client.id}`, settings.perClientPerMinute);
  };
}

function basicCredentials(header: string): { id: string; secret: string } | undefined {
  const encoded = BASIC.exec(header)?.[1];
  if (encoded === undefined) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

function unauthorized(reply: FastifyReply, message: string): WeappAuthError {
  reply.header('www-authenticate', 'Basic realm="weapp-auth introspection", charset="UTF-8"');
  return new WeappAuthError('INTROSPECTION_UNAUTHORIZED', message);
}
