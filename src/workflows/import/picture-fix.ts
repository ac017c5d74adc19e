/**
 * --fix-pictures: a PNG, an oversized picture or an EXIF-rotated one becomes an upright JPEG that
 * fits the documents' recommended 480×720 and the size limit. sharp (libvips) does the work in
 * memory; the source file is never touched.
 */

type Sharp = typeof import('sharp')['default'];
let sharpModule: Promise<Sharp> | undefined;

/**
 * sharp, loaded on first use (it is heavy, and only imports need it) and then kept: a dynamic
 * `import()` per picture goes through the module loader each time, which costs more than the
 * header check it serves.
 */
export function loadSharp(): Promise<Sharp> {
  sharpModule ??= import('sharp').then((m) => m.default);
  return sharpModule;
}

/** The documents' recommended picture size. */
export const FIT_WIDTH = 480;
export const FIT_HEIGHT = 720;

/** JPEG qualities tried in turn until the base64 text fits. */
const QUALITIES = [90, 80, 70, 60, 50, 40, 30, 20];

function base64Length(n: number): number {
  return 4 * Math.ceil(n / 3);
}

/** true when the picture must be rewritten, 'undecodable' when sharp cannot read it at all. */
export async function pictureNeedsFix(bytes: Buffer, maxBase64: number): Promise<boolean | 'undecodable'> {
  const sharp = await loadSharp();
  let meta: import('sharp').Metadata;
  try {
    meta = await sharp(bytes).metadata();
  } catch {
    return 'undecodable';
  }
  if (meta.format !== 'jpeg') return true;
  if ((meta.orientation ?? 1) !== 1) return true;
  // Terminals decode RGB/YCbCr JPEGs only.
  if (meta.space === 'cmyk' || meta.channels === 4) return true;
  if (base64Length(bytes.length) > maxBase64) return true;
  const w = meta.autoOrient?.width ?? meta.width ?? 0;
  const h = meta.autoOrient?.height ?? meta.height ?? 0;
  return w > FIT_WIDTH || h > FIT_HEIGHT;
}

/** An upright JPEG inside 480×720 whose base64 fits `maxBase64`; undefined when no quality fits. */
export async function fixPicture(bytes: Buffer, maxBase64: number): Promise<Buffer | undefined> {
  const sharp = await loadSharp();
  const upright = await sharp(bytes)
    .autoOrient()
    .resize({ width: FIT_WIDTH, height: FIT_HEIGHT, fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height, channels } = upright.info;
  for (const quality of QUALITIES) {
    const jpeg = await sharp(upright.data, { raw: { width, height, channels } }).jpeg({ quality }).toBuffer();
    if (base64Length(jpeg.length) <= maxBase64) return jpeg;
  }
  return undefined;
}
