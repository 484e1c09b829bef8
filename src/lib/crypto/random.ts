import { createHash, randomFillSync, timingSafeEqual } from 'node:crypto';

/**
 * CSPRNG output drawn 4 KiB at a time and handed out once, byte by byte, as Node's own randomUUID does: a call into
 * OpenSSL costs 6–25 µs whatever its size, and a login takes four tokens.
 */
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let drawn = POOL_BYTES;

/** URL-safe random string from the CSPRNG: `bytes` bytes of entropy. */
export function randomToken(bytes: number): string {
  if (!Number.isInteger(bytes) || bytes <= 0 || bytes > POOL_BYTES) throw new RangeError(`randomToken: ${bytes} bytes`);
  if (drawn + bytes > POOL_BYTES) {
    randomFillSync(pool);
    drawn = 0;
  }
  const token = pool.toString('base64url', drawn, drawn + bytes);
  drawn += bytes;
  return token;
}

/** Hex SHA-256; used to store token secrets so that a database leak yields nothing usable. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Constant-time string comparison; unequal lengths return false without leaking where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
