import { setTimeout as sleep } from 'node:timers/promises';
import {
  type CryptoKey,
  createLocalJWKSet,
  errors,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type JWK,
  type JWSHeaderParameters,
  type LocalJWKSet,
} from 'jose';
import { UnavailableError } from './errors.js';

export interface RemoteKeySetOptions {
  timeoutMs: number;
  /** Epoch milliseconds: max-age and staleness are counted on it. */
  now: () => number;
  /** How long past its max-age the last key set stays in use while refetching fails. */
  staleIfErrorMs: number;
}

/** Fetches are at least this far apart (an unknown kid waits for the slot), and a max-age below it counts as it. */
const MIN_FETCH_INTERVAL_MS = 5_000;
/** Kids remembered as dropped from JWKS; rotations are rare, so this is generous. */
const MAX_DROPPED_KIDS = 100;
/** Without a max-age (the server always sends one) a key set is used for this long. */
const DEFAULT_MAX_AGE_S = 60;
/** A longer max-age (a proxy's, say) is cut to this, so a withdrawn key never lingers for hours. */
const MAX_MAX_AGE_S = 300;

interface FetchedSet {
  local: LocalJWKSet;
  /** Epoch milliseconds (the `now` option) until which the response's max-age lets it be used. */
  freshUntil: number;
}

/**
 * The server's JWKS, kept for the response's `max-age`, so a key the server withdraws (`keys rotate --now`) is
 * dropped within that time; jose's createRemoteJWKSet keeps a set for its own cacheMaxAge (10 minutes) whatever the
 * server says. A kid not in the set causes one refetch (at most every MIN_FETCH_INTERVAL_MS, waiting for the slot;
 * concurrent requests share it), so a key that signs from the moment it is created is learnt at once; a kid an
 * earlier refetch saw dropped is refused without one. When refetching fails the last set stays in use, for at most
 * `staleIfErrorMs` past its max-age; with no usable set, verification is unavailable (503).
 */
export class RemoteKeySet {
  #set: FetchedSet | undefined;
  #fetching: Promise<FetchedSet> | undefined;
  #unknownKidFetch: Promise<FetchedSet> | undefined;
  /** performance.now() of the last fetch started, for the interval between fetches. */
  #lastFetchMono = -Infinity;
  #lastFailure: unknown;
  /** Kids a refetch no longer found: retired or withdrawn, they never come back, so they cause no refetch. */
  readonly #dropped = new Set<string>();

  constructor(
    private readonly url: URL,
    private readonly options: RemoteKeySetOptions,
  ) {}

  /** jose's key resolver: the key for the token's kid, or JWKSNoMatchingKey (401) once the current set lacks it. */
  readonly getKey = async (header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey> => {
    const set = await this.usable();
    try {
      return await set.local(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || this.#dropped.has(String(header.kid))) throw error;
    }
    this.#unknownKidFetch ??= this.fetchWhenAllowed().finally(() => {
      this.#unknownKidFetch = undefined;
    });
    return (await this.#unknownKidFetch).local(header, token);
  };

  /** Fetches the key set now, whatever its max-age: after `keys rotate --now`, to drop a withdrawn key at once. */
  async reload(): Promise<void> {
    await this.#fetching?.catch(() => undefined);
    await this.fetch();
  }

  /** A fresh set, or the last one while refetching fails and it is not too stale. */
  private async usable(): Promise<FetchedSet> {
    const set = this.#set;
    if (set !== undefined && this.options.now() < set.freshUntil) return set;
    try {
      // After a failure, the next try waits for the interval: a down server is not asked on every request.
      const failedJustNow = this.#lastFailure !== undefined && performance.now() - this.#lastFetchMono < MIN_FETCH_INTERVAL_MS;
      if (this.#fetching === undefined && failedJustNow) throw this.#lastFailure;
      return await this.fetch();
    } catch (error) {
      if (set !== undefined && this.options.now() < set.freshUntil + this.options.staleIfErrorMs) return set;
      throw error;
    }
  }

  private async fetchWhenAllowed(): Promise<FetchedSet> {
    const wait = this.#lastFetchMono + MIN_FETCH_INTERVAL_MS - performance.now();
    if (wait > 0) await sleep(wait);
    return this.fetch();
  }

  /** One fetch at a time. */
  private fetch(): Promise<FetchedSet> {
    this.#fetching ??= this.download().finally(() => {
      this.#fetching = undefined;
    });
    return this.#fetching;
  }

  private noteDropped(before: JWK[], after: JWK[]): void {
    const kept = new Set(after.map((key) => key.kid));
    for (const { kid } of before) {
      if (kid === undefined || kept.has(kid)) continue;
      if (this.#dropped.size >= MAX_DROPPED_KIDS) this.#dropped.delete(this.#dropped.values().next().value as string);
      this.#dropped.add(kid);
    }
  }

  private async download(): Promise<FetchedSet> {
    this.#lastFetchMono = performance.now();
    try {
      const signal = AbortSignal.timeout(this.options.timeoutMs);
      const response = await fetch(this.url, { headers: { accept: 'application/json' }, signal });
      if (response.status !== 200) throw new Error(`${this.url} answered ${response.status}`);
      const jwks = (await response.json()) as JSONWebKeySet;
      const set = { local: createLocalJWKSet(jwks), freshUntil: this.options.now() + freshnessMs(response.headers) };
      this.noteDropped(this.#set?.local.jwks().keys ?? [], jwks.keys);
      this.#set = set;
      this.#lastFailure = undefined;
      return set;
    } catch (error) {
      const message = 'the signing keys cannot be fetched; try again later';
      this.#lastFailure = new UnavailableError('KEYS_UNAVAILABLE', message, { cause: error });
      throw this.#lastFailure;
    }
  }
}

/** How long a response may be used: its max-age less its Age (time spent in a shared cache), within our bounds. */
function freshnessMs(headers: Headers): number {
  const cacheControl = headers.get('cache-control') ?? '';
  const maxAge = /(?:^|[\s,])max-age=(\d+)/i.exec(cacheControl)?.[1];
  const uncacheable = /(?:^|[\s,])(?:no-cache|no-store)(?:$|[\s,])/i.test(cacheControl);
  const seconds = uncacheable ? 0 : maxAge === undefined ? DEFAULT_MAX_AGE_S : Number(maxAge);
  const age = Number(headers.get('age') ?? 0);
  const remaining = Math.min(seconds, MAX_MAX_AGE_S) - (Number.isFinite(age) ? age : 0);
  return Math.max(remaining * 1000, MIN_FETCH_INTERVAL_MS);
}
