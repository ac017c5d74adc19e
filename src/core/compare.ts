/**
 * Comparing secrets (API tokens, SenseLink signatures, picture signatures) in constant time.
 */
import { createHash, timingSafeEqual } from './node-crypto.js';

/**
 * Whether `given` equals `expected`, in time independent of where they differ and of their lengths:
 * both are hashed to SHA-256 digests of equal length first, then compared with
 * `crypto.timingSafeEqual`. `undefined` (nothing given) is never equal.
 */
export function secretEquals(given: string | undefined, expected: string): boolean {
  return secretMatcher(expected)(given);
}

/**
 * `secretEquals` against one `expected` secret, its digest computed once: for a secret checked on
 * every request (the emulator's API token). Same guarantees: constant time, `undefined` never equal.
 */
export function secretMatcher(expected: string): (given: string | undefined) => boolean {
  const b = digest(expected);
  return (given) => given !== undefined && timingSafeEqual(digest(given), b);
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
