import { timingSafeEqual } from 'node:crypto';

/** Compares secrets without leaking how many leading characters matched. */
export function equalInConstantTime(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
