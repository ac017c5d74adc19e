/** Builders for import tests: temp folders, synthetic pictures, CSV text. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';

export const FIXTURES = resolve(import.meta.dirname, '../../fixtures/import');

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'facetctl-import-'));
}

/** A small JPEG whose bytes differ for every `i` (its colour encodes i). */
export async function syntheticJpeg(i: number, size = { width: 48, height: 64 }): Promise<Buffer> {
  return sharp({
    create: { ...size, channels: 3, background: { r: i & 255, g: (i >> 8) & 255, b: 255 - ((i * 37) & 255) } },
  })
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
