import { describe, expect, it } from 'vitest';
import { formEncode } from '../../src/core/form-encode.js';
import { picture } from '../helpers/fixtures.js';

describe('formEncode: the same bytes as URLSearchParams', () => {
  it.each([
    [{}],
    [{ a: '' }],
    [{ personCode: 'P001', personName: '山田 太郎' }],
    [{ x: "!'()~*-._ +&=/?#%\n\t\u00e9\u{1F600}", 'name with space': 'v' }],
    [{ picture: picture('face-astronaut.jpg').toString('base64'), personCode: 'A' }],
  ])('%#', (params: Record<string, string>) => {
    expect(formEncode(params)).toBe(new URLSearchParams(params).toString());
  });

  it('falls back to URLSearchParams for a lone surrogate (replaced by U+FFFD as it does)', () => {
    const params = { a: 'x\uD800y', b: "(')" };
    expect(formEncode(params)).toBe(new URLSearchParams(params).toString());
  });
});
