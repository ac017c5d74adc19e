/** Comparing secrets: equal only when equal, nothing given is never equal, a kept matcher agrees. */
import { describe, expect, it } from 'vitest';
import { secretEquals, secretMatcher } from '../../src/core/compare.js';

describe('secretEquals / secretMatcher', () => {
  it('accepts the same text only, of any length, and never undefined', () => {
    const token = 'Abc123'.repeat(10);
    const matches = secretMatcher(token);
    for (const [given, expected] of [
      [token, true],
      [`${token}x`, false],
      [token.slice(1), false],
      ['', false],
      [undefined, false],
    ] as const) {
      expect(secretEquals(given, token)).toBe(expected);
      expect(matches(given)).toBe(expected);
    }
    expect(secretMatcher('')('')).toBe(true);
  });
});
