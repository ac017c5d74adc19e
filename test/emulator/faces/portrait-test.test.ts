import { describe, expect, it } from 'vitest';
import {
  isSkin,
  looksLikePortrait,
  MAX_BORDER_SKIN,
  MIN_CENTRE_SKIN,
  MIN_LUMA_STD,
  type PortraitStats,
  portraitStats,
} from '../../../src/emulator/faces/portrait-test.js';
import { normalisedSignature, signatureCorrelation } from '../../../src/emulator/faces/thumbnail-signature.js';

const portrait: PortraitStats = { lumaStd: 40, meanChroma: 20, centreSkin: 0.3, borderSkin: 0.1 };

function solid(width: number, height: number, rgb: [number, number, number]): Buffer {
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < data.length; i += 3) data.set(rgb, i);
  return data;
}

describe('skin tone', () => {
  it.each([[[224, 172, 140]], [[198, 134, 99]], [[141, 85, 60]]] as [number, number, number][][])(
    '%j is skin',
    (rgb) => {
      expect(isSkin(...rgb)).toBe(true);
    },
  );

  it.each([[[128, 128, 128]], [[40, 90, 200]], [[60, 160, 60]], [[240, 100, 20]], [[250, 250, 250]]] as [
    number,
    number,
    number,
  ][][])('%j is not skin', (rgb) => {
    expect(isSkin(...rgb)).toBe(false);
  });
});

describe('portrait rule', () => {
  it('accepts a colour picture with skin in the centre and little at the border', () => {
    expect(looksLikePortrait(portrait)).toBe(true);
  });

  it('rejects a blank picture, colour or grey', () => {
    expect(looksLikePortrait({ ...portrait, lumaStd: MIN_LUMA_STD - 1 })).toBe(false);
    expect(looksLikePortrait({ ...portrait, lumaStd: MIN_LUMA_STD - 1, meanChroma: 0 })).toBe(false);
  });

  it('rejects too little skin in the centre', () => {
    expect(looksLikePortrait({ ...portrait, centreSkin: MIN_CENTRE_SKIN - 0.01 })).toBe(false);
  });

  it('rejects skin-toned borders (fur, wood, sand) and skin concentrated at the edges', () => {
    expect(looksLikePortrait({ ...portrait, centreSkin: 0.9, borderSkin: MAX_BORDER_SKIN + 0.01 })).toBe(false);
    expect(looksLikePortrait({ ...portrait, centreSkin: 0.2, borderSkin: 0.3 })).toBe(false);
  });

  it('accepts any structured greyscale picture (skin tone cannot be seen)', () => {
    expect(looksLikePortrait({ lumaStd: 30, meanChroma: 0, centreSkin: 0, borderSkin: 0 })).toBe(true);
  });

  it('measures a uniform skin-toned picture as skin everywhere and blank', () => {
    const s = portraitStats(solid(40, 40, [210, 160, 130]), 40, 40);
    expect(s.centreSkin).toBe(1);
    expect(s.borderSkin).toBe(1);
    expect(s.lumaStd).toBeLessThan(MIN_LUMA_STD);
    expect(looksLikePortrait(s)).toBe(false);
  });
});

describe('thumbnail signature', () => {
  it('is zero-mean and unit-variance, so brightness and contrast do not matter', () => {
    const a = normalisedSignature(Buffer.from([10, 20, 30, 40]));
    const b = normalisedSignature(Buffer.from([60, 80, 100, 120]));
    expect(a).toEqual(b);
    expect(signatureCorrelation(a, b)).toBeCloseTo(1, 3);
  });

  it('correlates inverted pictures at −1 and a flat picture with nothing', () => {
    const a = normalisedSignature(Buffer.from([10, 20, 30, 40]));
    const inverted = normalisedSignature(Buffer.from([40, 30, 20, 10]));
    expect(signatureCorrelation(a, inverted)).toBeCloseTo(-1, 3);
    const flat = normalisedSignature(Buffer.from([9, 9, 9, 9]));
    expect(signatureCorrelation(flat, flat)).toBe(0);
    expect(signatureCorrelation(a, [1, 2])).toBe(0);
  });
});
