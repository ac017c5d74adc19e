/**
 * The basic mode's face test: a deterministic plausibility check on a small RGB thumbnail, not a
 * face detector. README.md (Design, "The emulator's face analysis") explains every threshold and its limits.
 */

export interface PortraitStats {
  lumaStd: number;
  meanChroma: number;
  centreSkin: number;
  borderSkin: number;
}

/** Below this the picture is blank (uniform grey, black, white). */
export const MIN_LUMA_STD = 12;
/** Mean |CbCr| below this: a greyscale picture, where skin tone cannot be seen. */
export const MAX_GREY_CHROMA = 6;
/** Colour pictures: at least this share of the centre is skin-toned… */
export const MIN_CENTRE_SKIN = 0.1;
/** …and at most this share of the border is (a face is surrounded by hair, background, clothes). */
export const MAX_BORDER_SKIN = 0.4;

/** Peer/Kovač RGB daylight skin rule AND the Chai–Ngan YCbCr box: both must agree. */
export function isSkin(r: number, g: number, b: number): boolean {
  const cb = 128 - 0.168736 * r - 0.331264 * g + 0.5 * b;
  const cr = 128 + 0.5 * r - 0.418688 * g - 0.081312 * b;
  const rgbRule = r > 95 && g > 40 && b > 20 && Math.max(r, g, b) - Math.min(r, g, b) > 15 && r - g > 15 && r > b;
  return rgbRule && cb >= 77 && cb <= 127 && cr >= 133 && cr <= 173;
}

function inCentre(cx: number, cy: number): boolean {
  return cx >= 0.25 && cx < 0.75 && cy >= 0.1 && cy < 0.7;
}

function inBorder(cx: number, cy: number): boolean {
  return cx < 0.12 || cx >= 0.88 || cy < 0.12 || cy >= 0.88;
}

export function portraitStats(data: Buffer, width: number, height: number): PortraitStats {
  let sumY = 0;
  let sumY2 = 0;
  let chroma = 0;
  let centre = 0;
  let centreSkin = 0;
  let border = 0;
  let borderSkin = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const r = data[i];
      const g = data[i + 1];
      const b = data[i + 2];
      const luma = 0.299 * r + 0.587 * g + 0.114 * b;
      sumY += luma;
      sumY2 += luma * luma;
      chroma += Math.hypot(0.5 * b - 0.168736 * r - 0.331264 * g, 0.5 * r - 0.418688 * g - 0.081312 * b);
      const skin = isSkin(r, g, b) ? 1 : 0;
      const cx = (x + 0.5) / width;
      const cy = (y + 0.5) / height;
      if (inCentre(cx, cy)) {
        centre++;
        centreSkin += skin;
      }
      if (inBorder(cx, cy)) {
        border++;
        borderSkin += skin;
      }
    }
  }
  const n = width * height;
  const mean = sumY / n;
  return {
    lumaStd: Math.sqrt(Math.max(0, sumY2 / n - mean * mean)),
    meanChroma: chroma / n,
    centreSkin: centre ? centreSkin / centre : 0,
    borderSkin: border ? borderSkin / border : 0,
  };
}

export function looksLikePortrait(s: PortraitStats): boolean {
  if (s.lumaStd < MIN_LUMA_STD) return false;
  if (s.meanChroma < MAX_GREY_CHROMA) return true;
  return s.centreSkin >= MIN_CENTRE_SKIN && s.borderSkin <= MAX_BORDER_SKIN && s.centreSkin > s.borderSkin;
}
