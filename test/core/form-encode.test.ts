import { describe, expect, it, vi } from 'vitest';
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

describe('formEncode: large values are encoded once', () => {
  const base64 = picture('face-astronaut.jpg').toString('base64');

  it('a picture sent twice (checkPersonPicture, then registPersonForCloud) is encoded once, with the same bytes', () => {
    const spy = vi.spyOn(globalThis, 'encodeURIComponent');
    try {
      const text = `${base64.slice(0, -4)}QUJD`; // not encoded by an earlier test
      const first = formEncode({ picture: text });
      const second = formEncode({ personCode: 'A', picture: text });
      expect(first).toBe(new URLSearchParams({ picture: text }).toString());
      expect(second).toBe(new URLSearchParams({ personCode: 'A', picture: text }).toString());
      expect(spy.mock.calls.filter(([v]) => String(v).length >= 16 * 1024)).toHaveLength(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('never mixes two texts up: same length, other content; and after older ones were dropped', () => {
    // Equal lengths hash alike above V8's hashing limit: the content decides.
    const texts = Array.from({ length: 40 }, (_, i) => `${base64.slice(0, -8)}${String(i).padStart(4, '0')}AAAA`);
    for (const round of [0, 1]) {
      for (const text of round === 0 ? texts : [...texts].reverse()) {
        expect(formEncode({ picture: text })).toBe(new URLSearchParams({ picture: text }).toString());
      }
    }
    const surrogate = `${'a'.repeat(20_000)}\uD800(!)`;
    for (const _ of [0, 1]) {
      expect(formEncode({ v: surrogate })).toBe(new URLSearchParams({ v: surrogate }).toString());
    }
  });
});
