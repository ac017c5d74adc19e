/**
 * Comparing secrets (API tokens, SenseLink signatures, picture signatures) in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether `given` equals `expected`, in time independent of where they differ and of their lengths:
 * both are hashed to SHA-256 digests of equal length first, then compared with
 * `crypto.timingSafeEqual`. `undefined` (nothing given) is never equal.
 */
export function secretEquals(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}
