/** Issue 9 §1: date cells of a persons CSV are read in the cloud's zone, never the host's. */
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRows } from '../../../src/workflows/import/load-rows.js';
import { csv, PICTURES, tempDir } from './fixtures.js';

const NOW = new Date('2026-11-30T07:47:25Z');
const HEADER = [
  'personCode',
  'personName',
  'picture',
  'serialNos',
  'accessFlag_1',
  'accessTimeFrom_1',
  'accessTimeTo_1',
];

describe('import date cells', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
    copyFileSync(join(PICTURES, 'face-astronaut.jpg'), join(dir, 'face.jpg'));
  });

  async function access(zone: string | undefined, from: string, to: string) {
    const csvPath = join(dir, 'persons.csv');
    writeFileSync(csvPath, csv(HEADER, [['Z1', '山田 太郎', 'face.jpg', 'S1', '1', from, to]]));
    const loaded = await loadRows({
      csvPath,
      ignoreUnknownColumns: false,
      extraSerials: [],
      fixPictures: false,
      now: NOW,
      zone,
    });
    expect(loaded.invalid).toEqual([]);
    return loaded.rows[0].access;
  }

  it('converts ISO 8601 with an offset to the cloud zone (Asia/Tokyo by default)', async () => {
    expect(await access(undefined, '2026-11-30T07:47:25Z', '2026-12-31T00:00:00+09:00')).toEqual({
      accessFlag_1: '1',
      accessTimeFrom_1: '2026/11/30 16:47:25',
      accessTimeTo_1: '2026/12/31 00:00:00',
    });
  });

  it('reads today and relative cells in the zone the run uses', async () => {
    // 07:47 UTC on the 30th: Tokyo's today is the 30th, Los Angeles' the 29th.
    expect(await access(undefined, 'today', '+1d')).toMatchObject({
      accessTimeFrom_1: '2026/11/30 00:00:00',
      accessTimeTo_1: '2026/12/01 16:47:25',
    });
    expect(await access('America/Los_Angeles', 'today', '2026-11-30T07:47:25Z')).toMatchObject({
      accessTimeFrom_1: '2026/11/29 00:00:00',
      accessTimeTo_1: '2026/11/29 23:47:25',
    });
  });

  it('a day alone as the window’s end means through that day (23:59:59), as every --to does; as its start, from 00:00:00', async () => {
    expect(await access(undefined, '2026/12/01', '2026/12/31')).toEqual({
      accessFlag_1: '1',
      accessTimeFrom_1: '2026/12/01 00:00:00',
      accessTimeTo_1: '2026/12/31 23:59:59',
    });
    // One day: from its first second to its last (was a window of zero length).
    expect(await access(undefined, '2099/12/31', '2099/12/31')).toMatchObject({
      accessTimeFrom_1: '2099/12/31 00:00:00',
      accessTimeTo_1: '2099/12/31 23:59:59',
    });
  });

  it('refuses an impossible date in a cell', async () => {
    const csvPath = join(dir, 'bad.csv');
    writeFileSync(
      csvPath,
      csv(HEADER, [['Z2', '佐藤 花子', 'face.jpg', 'S1', '1', '2023/02/30 10:00:00', '2023/03/31 10:00:00']]),
    );
    const loaded = await loadRows({
      csvPath,
      ignoreUnknownColumns: false,
      extraSerials: [],
      fixPictures: false,
      now: NOW,
    });
    expect(loaded.rows).toEqual([]);
    expect(JSON.stringify(loaded.invalid)).toContain('accessTimeFrom_1');
  });
});
