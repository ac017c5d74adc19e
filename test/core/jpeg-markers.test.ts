/**
 * The segment framing both JPEG readers share (src/core/jpeg-markers.ts): fill bytes, lone markers,
 * lengths that run past the end.
 */
import { describe, expect, it } from 'vitest';
import { isStandaloneMarker, markerAt } from '../../src/core/jpeg-markers.js';

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('markerAt', () => {
  it('reads a segment: the marker, where its parameters start and where it ends', () => {
    // FF E0, length 4 (2 bytes of length + 2 of parameters), then the next marker.
    expect(markerAt(bytes(0xff, 0xe0, 0x00, 0x04, 0x4a, 0x46, 0xff, 0xd9), 0)).toEqual({
      marker: 0xe0,
      start: 4,
      end: 6,
    });
  });

  it('skips fill bytes before a marker (T.81 B.1.1.2) and gives lone markers no segment', () => {
    expect(markerAt(bytes(0xff, 0xff, 0xff, 0xd9), 0)).toEqual({ marker: 0xd9, start: 4, end: 4 });
    expect(markerAt(bytes(0xff, 0xd3), 0)).toEqual({ marker: 0xd3, start: 2, end: 2 });
    for (const m of [0x01, 0xd0, 0xd7, 0xd8, 0xd9]) expect(isStandaloneMarker(m)).toBe(true);
    for (const m of [0x00, 0xc0, 0xc4, 0xda, 0xdb, 0xe1, 0xfe]) expect(isStandaloneMarker(m)).toBe(false);
  });

  it('is undefined for what is not a whole segment: no FF, a length under 2, a segment past the end', () => {
    expect(markerAt(bytes(0x00, 0xd9), 0)).toBeUndefined();
    expect(markerAt(bytes(0xff), 0)).toBeUndefined();
    expect(markerAt(bytes(0xff, 0xff, 0xff), 0)).toBeUndefined();
    expect(markerAt(bytes(0xff, 0xe0, 0x00, 0x01), 0)).toBeUndefined();
    expect(markerAt(bytes(0xff, 0xe0, 0x00, 0x08, 0x00), 0)).toBeUndefined();
    expect(markerAt(bytes(0xff, 0xe0, 0x00), 0)).toBeUndefined();
  });
});
