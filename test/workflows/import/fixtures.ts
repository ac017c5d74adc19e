/** Builders for import tests: temp folders, synthetic pictures, CSV text. */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { PICTURES } from '../../helpers/fixtures.js';
import { tempDir as newTempDir } from '../../helpers/temp.js';

export const FIXTURES = resolve(import.meta.dirname, '../../fixtures/import');
export { PICTURES };

export function tempDir(): string {
  return newTempDir('facetctl-import-');
}

/**
 * A small JPEG that differs for every `i` (0…65535) in its pixels, not just its bytes: the 16 bits
 * of i are drawn as black and white 12×16 blocks, which JPEG compression cannot merge.
 */
export async function syntheticJpeg(i: number): Promise<Buffer> {
  const width = 48;
  const height = 64;
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = Math.floor(y / 16) * 4 + Math.floor(x / 12);
      const on = (i >> bit) & 1;
      const o = (y * width + x) * 3;
      pixels[o] = on ? 240 : 20;
      pixels[o + 1] = on ? 230 : 40;
      pixels[o + 2] = on ? 220 : 60;
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 80 })
    .toBuffer();
}

/** CSV text from a header and rows (fields quoted when needed). */
export function csv(header: string[], rows: (string | number)[][], eol = '\n'): string {
  const q = (v: string | number) => {
    const s = String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [header, ...rows].map((r) => r.map(q).join(',')).join(eol) + eol;
}

export interface PersonsFile {
  dir: string;
  csvPath: string;
}

/**
 * A folder with `count` persons, each with its own synthetic picture, on `serials` (in the serialNos
 * column), plus access times and a card for every person when `extras`.
 */
export async function writePersons(
  count: number,
  opts: { serials?: string[]; extras?: boolean; prefix?: string; dir?: string } = {},
): Promise<PersonsFile> {
  const dir = opts.dir ?? tempDir();
  const prefix = opts.prefix ?? 'P';
  const header = ['personCode', 'personName', 'sex', 'birthday', 'picture', 'serialNos'];
  if (opts.extras) {
    header.push(
      'accessFlag_1',
      'accessTimeFrom_1',
      'accessTimeTo_1',
      'card_no_1',
      'validityDateFrom_1',
      'validityDateTo_1',
    );
  }
  const rows: (string | number)[][] = [];
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const file = `pic-${i}.jpg`;
      writeFileSync(join(dir, file), await syntheticJpeg(i));
      const code = `${prefix}${String(i).padStart(5, '0')}`;
      const row: (string | number)[] = [
        code,
        `Person ${i}`,
        i % 2 ? 'female' : '男',
        '1990/01/01',
        file,
        (opts.serials ?? []).join(';'),
      ];
      if (opts.extras) {
        row.push(
          '1',
          '2024/04/01 09:00:00',
          '2030/03/31 18:00:00',
          (1000 + i).toString(16).toUpperCase(),
          '2024/04/01',
          '2030/03/31',
        );
      }
      rows[i] = row;
    }),
  );
  const csvPath = join(dir, 'persons.csv');
  writeFileSync(csvPath, csv(header, rows));
  return { dir, csvPath };
}
