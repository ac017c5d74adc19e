/**
 * isWholeJpeg answers "is this JPEG whole?" from the markers, for the import's local check. Every `true`
 * here is checked against sharp decoding the same bytes with `failOn: 'error'` (what the check did
 * before, and still does for a `false`): sharp must decode it, or refuse it only for garbled
 * entropy-coded data ("Corrupt JPEG data" warnings piling up), which no marker walk can see.
 */
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { isWholeJpeg } from '../../src/core/jpeg-structure.js';
import { seededRandom } from '../../src/core/seeded-random.js';
import { picture } from '../helpers/fixtures.js';

const FIXTURES = ['face-astronaut.jpg', 'face-cameraman.jpg', 'noface-cat.jpg', 'noface-coffee.jpg', 'noface-gray.jpg'];

/** sharp's complaint, as the import's decode check asks it (1/8 scale, failOn 'error'); undefined when it decodes. */
async function complaint(bytes: Buffer): Promise<string | undefined> {
  let message = '';
  // libvips' message is sometimes lost while another picture decodes in the same process ("Unknown
  // error"): asked again, the verdict is the same and the words come back.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await sharp(bytes, { failOn: 'error' }).resize(32, 32, { fit: 'inside' }).raw().toBuffer();
      return undefined;
    } catch (err) {
      message = (err as Error).message;
      if (!/Unknown error/.test(message)) return message;
    }
  }
  return message;
}

async function decodes(bytes: Buffer): Promise<boolean> {
  return (await complaint(bytes)) === undefined;
}

function segment(marker: number, body: number[]): number[] {
  const length = body.length + 2;
  return [0xff, marker, length >> 8, length & 0xff, ...body];
}

/**
 * A hand-made 8-bit grey baseline JPEG, `mcus` blocks wide and one high, every block flat: one-code
 * Huffman tables ("0" = DC difference 0, "0" = end of block), each block's two bits padded with ones
 * (0x3F). With `restartInterval`, an RSTn marker follows every `restartInterval` blocks (phones write
 * them; sharp cannot). `edit` may change the parts before they are joined.
 */
function handMade(
  opts: { mcus?: number; restartInterval?: number; edit?: (parts: Record<string, number[]>) => void } = {},
): Buffer {
  const mcus = opts.mcus ?? 4;
  const width = 8 * mcus;
  const table = (classAndId: number) => [classAndId, 1, ...new Array(15).fill(0), 0x00];
  const data: number[] = [];
  for (let m = 0; m < mcus; m++) {
    data.push(0x3f);
    const restart = opts.restartInterval;
    if (restart && (m + 1) % restart === 0 && m < mcus - 1) data.push(0xff, 0xd0 + (((m + 1) / restart - 1) % 8));
  }
  const parts: Record<string, number[]> = {
    soi: [0xff, 0xd8],
    dqt: segment(0xdb, [0x00, ...new Array(64).fill(1)]),
    sof: segment(0xc0, [8, 0, 8, width >> 8, width & 0xff, 1, 1, 0x11, 0]),
    dht: segment(0xc4, [...table(0x00), ...table(0x10)]),
    dri: opts.restartInterval ? segment(0xdd, [opts.restartInterval >> 8, opts.restartInterval & 0xff]) : [],
    sos: segment(0xda, [1, 1, 0x00, 0, 63, 0]),
    data,
    eoi: [0xff, 0xd9],
  };
  opts.edit?.(parts);
  return Buffer.from(Object.values(parts).flat());
}

describe('isWholeJpeg', () => {
  const variants: [string, Buffer][] = [];
  beforeAll(async () => {
    for (const name of FIXTURES) variants.push([name, picture(name)]);
    const base = picture('face-astronaut.jpg');
    variants.push(['progressive', await sharp(base).jpeg({ progressive: true }).toBuffer()]);
    variants.push([
      'progressive, mozjpeg scans',
      await sharp(base).jpeg({ progressive: true, mozjpeg: true }).toBuffer(),
    ]);
    variants.push(['4:4:4', await sharp(base).jpeg({ chromaSubsampling: '4:4:4' }).toBuffer()]);
    variants.push(['grey', await sharp(base).greyscale().jpeg().toBuffer()]);
    variants.push(['grey, progressive', await sharp(base).greyscale().jpeg({ progressive: true }).toBuffer()]);
    variants.push(['EXIF and ICC', await sharp(base).withMetadata({ orientation: 1 }).jpeg().toBuffer()]);
    variants.push(['restart markers', handMade({ mcus: 20, restartInterval: 2 })]);
  });

  it('vouches for whole pictures of the usual layouts, which sharp decodes', async () => {
    for (const [name, bytes] of variants) {
      expect(isWholeJpeg(bytes), name).toBe(true);
      expect(await decodes(bytes), name).toBe(true);
    }
  });

  it('ignores what follows the EOI (phones append data) and fill bytes before a marker', async () => {
    const photo = picture('face-cameraman.jpg');
    const trailing = Buffer.concat([photo, Buffer.from('MPF trailer \xff\xd8\xff', 'latin1')]);
    expect(isWholeJpeg(trailing)).toBe(true);
    expect(await decodes(trailing)).toBe(true);
    const filled = handMade({ edit: (p) => p.sof.unshift(0xff, 0xff) });
    expect(isWholeJpeg(filled)).toBe(true);
    expect(await decodes(filled)).toBe(true);
  });

  it('does not vouch for a picture cut short anywhere, nor one without its end marker', () => {
    const photo = picture('face-astronaut.jpg');
    for (let k = 1; k < 40; k++)
      expect(isWholeJpeg(photo.subarray(0, Math.floor((photo.length * k) / 40))), `${k}/40`).toBe(false);
    expect(isWholeJpeg(photo.subarray(0, photo.length - 2))).toBe(false);
    expect(isWholeJpeg(photo.subarray(0, photo.length - 1))).toBe(false);
  });

  // Each of these makes libjpeg stop with an error; the walk leaves them all to the decoder.
  const broken: [string, (p: Record<string, number[]>) => void][] = [
    ['a scan naming an AC table id above 3 (0x05)', (p) => (p.sos[6] = 0x05)],
    ['a component whose quantisation table is undefined', (p) => (p.sof[12] = 2)],
    ['a DHT whose codes do not fit their lengths', (p) => p.dht.splice(5, 2, 3, 0)],
    ['a DC table with a symbol above 15', (p) => (p.dht[21] = 16)],
    ['a scan naming a component the frame lacks', (p) => (p.sos[5] = 9)],
    ['a scan before the frame header', (p) => ([p.sof, p.sos] = [p.sos, p.sof])],
    ['a DQT index above 3', (p) => (p.dqt[4] = 0x04)],
    ['a zero width', (p) => p.sof.splice(7, 2, 0, 0)],
    ['a segment length past the end of the file', (p) => (p.dqt[3] = 0xff)],
  ];
  for (const [what, edit] of broken) {
    it(`leaves ${what} to the decoder, which refuses it`, async () => {
      const bytes = handMade({ edit });
      expect(isWholeJpeg(bytes)).toBe(false);
      expect(await decodes(bytes)).toBe(false);
    });
  }

  it("leaves a scan naming an undefined Huffman table to the decoder, which takes libjpeg's standard one", async () => {
    const bytes = handMade({ edit: (p) => (p.sos[6] = 0x01) });
    expect(isWholeJpeg(bytes)).toBe(false);
    expect(await decodes(bytes)).toBe(true);
  });

  it('leaves other layouts to the decoder: 12-bit, arithmetic coding, CMYK, a second frame header', async () => {
    expect(isWholeJpeg(handMade({ edit: (p) => (p.sof[4] = 12) }))).toBe(false);
    expect(isWholeJpeg(handMade({ edit: (p) => (p.sof[1] = 0xc9) }))).toBe(false);
    expect(isWholeJpeg(handMade({ edit: (p) => p.sof.push(...p.sof) }))).toBe(false);
    const cmyk = await sharp(picture('face-astronaut.jpg')).resize(64, 64).toColourspace('cmyk').jpeg().toBuffer();
    expect(isWholeJpeg(cmyk)).toBe(false);
    expect(isWholeJpeg(Buffer.from([0xff, 0xd8, 0xff, 0xd9]))).toBe(false);
    expect(isWholeJpeg(Buffer.from('not a jpeg'))).toBe(false);
  });

  it('1,410 cut, damaged and spliced copies: sharp decodes what it vouches for, or finds only garbled data', async () => {
    const random = seededRandom(20261130);
    const int = (n: number) => Math.floor(random() * n);
    const tally = { vouched: 0, vouchedDamaged: 0, garbled: 0, leftToDecoder: 0 };
    const sources = variants.filter(([name]) =>
      ['face-astronaut.jpg', 'noface-gray.jpg', 'progressive'].includes(name),
    );
    for (const [name, source] of sources) {
      const headerEnd = source.indexOf(Buffer.from([0xff, 0xda])) + 14;
      for (let k = 0; k < 470; k++) {
        let bytes = Buffer.from(source);
        const kind = k % 6;
        if (kind === 0) bytes = bytes.subarray(0, int(bytes.length));
        else if (kind === 1) for (let t = 0; t <= int(4); t++) bytes[int(bytes.length)] = int(256);
        else if (kind === 2) bytes[int(headerEnd)] ^= 1 << int(8);
        else if (kind === 3) bytes[int(headerEnd)] = [0, 1, 3, 4, 5, 0x10, 0x11, 0x3f, 0xff][int(9)];
        else if (kind === 4) {
          const at = int(bytes.length);
          bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1 + int(50))]);
        } else {
          const at = int(bytes.length);
          bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([0xff, int(256)]), bytes.subarray(at)]);
        }
        if (!isWholeJpeg(bytes)) {
          tally.leftToDecoder++;
          continue;
        }
        const why = await complaint(bytes);
        if (why !== undefined) {
          expect(why, `${name}, copy ${k} (kind ${kind})`).toMatch(/^VipsJpeg: Corrupt JPEG data: /);
          tally.garbled++;
        }
        tally.vouched++;
        if (!bytes.equals(source)) tally.vouchedDamaged++;
      }
    }
    // Both answers occur, damaged entropy-coded data is vouched for (libjpeg repairs it), and
    // what only a decode finds stays rare.
    expect(tally.vouchedDamaged).toBeGreaterThan(100);
    expect(tally.leftToDecoder).toBeGreaterThan(100);
    expect(tally.garbled).toBeLessThan(tally.vouched / 100);
  });
});
