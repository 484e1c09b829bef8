import type { Platform } from './platform.js';

/** What the SDK keeps between launches. `expiresAt` is by the device's clock, from the server's `expiresIn`. */
export interface StoredTokens {
  accessToken: string;
  refreshToken: string;
  /** Epoch milliseconds (device clock) at which the access token expires. */
  expiresAt: number;
  /** Epoch milliseconds (device clock) at which it was received; absent in tokens stored by older SDKs. */
  receivedAt?: number;
}

function isStoredTokens(value: unknown): value is StoredTokens {
  const v = value as Partial<StoredTokens> | null;
  return typeof v?.accessToken === 'string' && typeof v.refreshToken === 'string' && typeof v.expiresAt === 'number';
}

/** Tokens in the platform's storage under one key; anything unreadable there counts as logged out. */
export class TokenStore {
  private cached: StoredTokens | null | undefined;

  constructor(
    private readonly platform: Platform,
    private readonly key: string,
  ) {}

  get(): StoredTokens | null {
    if (this.cached === undefined) {
      let value: unknown;
      try {
        value = this.platform.getItem(this.key);
      } catch {
        value = undefined;
      }
      this.cached = isStoredTokens(value) ? value : null;
    }
    return this.cached;
  }

  set(tokens: StoredTokens): void {
    this.cached = tokens;
    this.platform.setItem(this.key, tokens);
  }

  clear(): void {
    this.cached = null;
    this.platform.removeItem(this.key);
  }
}
