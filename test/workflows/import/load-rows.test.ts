import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyDeviceList, loadRows } from '../../../src/workflows/import/load-rows.js';
import { formatIssue } from '../../../src/workflows/import/types.js';
import { csv, FIXTURES, PICTURES, syntheticJpeg, tempDir } from './fixtures.js';

const NOW = new Date(2024, 3, 1, 12, 0, 0);

async function load(dir: string, text: string, extra: Partial<Parameters<typeof loadRows>[0]> = {}) {
  const csvPath = join(dir, 'persons.csv');
  writeFileSync(csvPath, text);
  return loadRows({
    csvPath,
    ignoreUnknownColumns: false,
    extraSerials: [],
    fixPictures: false,
    now: NOW,
    ...extra,
  });
}

function messages(loaded: Awaited<ReturnType<typeof loadRows>>): string[] {
  return loaded.invalid.flatMap((r) => r.issues.map((i) => formatIssue(r.row, i)));
}

describe('loading and validating rows', () => {
  let dir: string;
  beforeAll(async () => {
    dir = tempDir();
    for (let i = 0; i < 4; i++) writeFileSync(join(dir, `p${i}.jpg`), await syntheticJpeg(i));
    copyFileSync(join(PICTURES, 'face-astronaut.jpg'), join(dir, 'face.jpg'));
    writeFileSync(join(dir, 'face.png'), await sharp(join(PICTURES, 'face-astronaut.jpg')).png().toBuffer());
    // A JPEG header and then garbage: the magic is right, the picture does not decode.
    writeFileSync(
      join(dir, 'broken.jpg'),
      Buffer.concat([(await syntheticJpeg(9)).subarray(0, 200), Buffer.alloc(300, 7)]),
    );
    // Noise does not compress: about 4.5 MB of JPEG, over 5 MB once base64-encoded.
    const noise = Buffer.alloc(1800 * 1800 * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
    writeFileSync(
      join(dir, 'huge.jpg'),
      await sharp(noise, { raw: { width: 1800, height: 1800, channels: 3 } })
        .jpeg({ quality: 100 })
        .toBuffer(),
    );
  });

  it('turns valid rows into wire params with friendly forms converted', async () => {
    const loaded = await load(
      dir,
      csv(
        [
          'personCode',
          'personName',
          'sex',
          'birthday',
          'memo',
          'picture',
          'serialNos',
          'accessFlag_1',
          'accessTimeFrom_1',
          'accessTimeTo_1',
          'card_no_1',
          'validityDateFrom_1',
          'validityDateTo_1',
        ],
        [
          [
            'A1',
            '山田 太郎',
            '男性',
            '1980-12-06',
            'x',
            'p0.jpg',
            'S1; S2',
            '1',
            '2024-04-01 09:00',
            '2024/04/30 18:00:00',
            'ABCDEF',
            '2024-04-01',
            '2025-03-31',
          ],
          ['A2', '佐藤 花子', '女', '', '', 'p1.jpg', '', '', '', '', '', '', ''],
        ],
      ),
      { extraSerials: ['S3', 'S1'] },
    );
    expect(messages(loaded)).toEqual([]);
    const [a1, a2] = loaded.rows;
    expect(a1).toMatchObject({
      row: 2,
      personCode: 'A1',
      person: { personCode: 'A1', personName: '山田 太郎', sex: 'male', birthday: '1980/12/06', memo: 'x' },
      serials: ['S1', 'S2', 'S3'],
      access: { accessFlag_1: '1', accessTimeFrom_1: '2024/04/01 09:00:00', accessTimeTo_1: '2024/04/30 18:00:00' },
      cards: { card_no_1: 'ABCDEF', validityDateFrom_1: '2024/04/01', validityDateTo_1: '2025/03/31' },
    });
    expect(a1.person.picture).toBeUndefined();
    expect(a1.picture?.path).toBe(join(dir, 'p0.jpg'));
    expect(a2).toMatchObject({
      row: 3,
      person: { sex: 'female' },
      serials: ['S3', 'S1'],
      access: undefined,
      cards: undefined,
    });
    expect(a2.person.birthday).toBeUndefined();
  });

  it('reports every kind of bad row at once, naming row and field', async () => {
    const header = [
      'personCode',
      'personName',
      'sex',
      'birthday',
      'memo',
      'picture',
      'serialNos',
      'accessFlag_1',
      'accessTimeFrom_1',
      'accessTimeTo_1',
      'accessFlag_2',
      'accessTimeFrom_2',
      'accessTimeTo_2',
      'card_no_1',
      'validityDateFrom_1',
      'validityDateTo_1',
    ];
    const blank = (n: number) => Array.from({ length: n }, () => '');
    const rows = [
      /* 2 */ ['B1', 'ok', 'male', '1990/02/30', '', 'p0.jpg', 'S1', ...blank(9)],
      /* 3 */ ['B2', 'ok', 'other', '', '', 'p1.jpg', 'S1', ...blank(9)],
      /* 4 */ ['B3', 'x'.repeat(101), '', '', 'm'.repeat(501), 'p2.jpg', '', ...blank(9)],
      /* 5 */ ['B4', 'ok', '', '', '', 'missing.jpg', '', ...blank(9)],
      /* 6 */ ['B5', 'ok', '', '', '', 'face.png', '', ...blank(9)],
      /* 7 */ ['B6', 'ok', '', '', '', 'broken.jpg', '', ...blank(9)],
      /* 8 */ ['B7', 'ok', '', '', '', 'huge.jpg', '', ...blank(9)],
      /* 9 */ ['B8', 'ok', '', '', '', 'p3.jpg', '', '1', '2024/04/01 00:00:00', '2024/05/01 00:00:00', ...blank(6)],
      /* 10 */ [
        'B9',
        'ok',
        '',
        '',
        '',
        'p3.jpg',
        'S1',
        '1',
        '2024/04/01 00:00:00',
        '2024/05/01 00:00:00',
        '1',
        '2024/04/15 00:00:00',
        '2024/06/01 00:00:00',
        ...blank(3),
      ],
      /* 11 */ [
        'B10',
        'ok',
        '',
        '',
        '',
        'p3.jpg',
        'S1',
        '1',
        '2019/12/31 00:00:00',
        '2024/05/01 00:00:00',
        ...blank(6),
      ],
      /* 12 */ ['B11', 'ok', '', '', '', 'p3.jpg', 'S1', '1', '', '', ...blank(6)],
      /* 13 */ ['B12', 'ok', '', '', '', 'p3.jpg', '', ...blank(6), 'XYZ', '2024/01/01', '2024/12/31'],
      /* 14 */ ['B13', 'ok', '', '', '', 'p3.jpg', '', ...blank(6), 'ABC', '', ''],
      /* 15 */ ['B14', '', '', '', '', 'p3.jpg', 'S1', ...blank(9)],
      /* 16 */ ['', 'no code', '', '', '', 'p3.jpg', '', ...blank(9)],
      /* 17 */ ['B15', 'no picture', '', '', '', '', '', ...blank(9)],
      /* 18 */ ['B1', 'dup', '', '', '', 'p3.jpg', '', ...blank(9)],
      /* 19 */ ['C1', 'fine', '', '', '', 'p3.jpg', '', ...blank(9)],
      /* 20 */ ['C1', 'dup of a valid row', '', '', '', 'p2.jpg', '', ...blank(9)],
      /* 21 */ ['C1', 'dup and invalid', '', '', '', 'missing.jpg', '', ...blank(9)],
    ];
    const loaded = await load(dir, csv(header, rows));
    const text = messages(loaded).join('\n');
    const expectLine = (re: RegExp) => expect(text).toMatch(re);
    expectLine(/^row 2, birthday: must be a real date/m);
    expectLine(/^row 3, sex: must be one of male, female/m);
    expectLine(/^row 4, personName: at most 100 characters/m);
    expectLine(/^row 4, memo: at most 500 characters/m);
    expectLine(/^row 5, picture: file not found: missing\.jpg/m);
    expectLine(/^row 6, picture: face\.png is not a JPEG \(PNG\) \(--fix-pictures converts it\)/m);
    expectLine(/^row 7, picture: broken\.jpg cannot be decoded as a JPEG: [^\n]+\nrow 8/m);
    expectLine(/^row 8, picture: huge\.jpg is \d+\.\d+ MB once base64-encoded; the limit is 5\.00 MB/m);
    expectLine(/^row 9, serialNos: access times are given but the row names no device/m);
    expectLine(/^row 10, access\w*_2: window 2 .* overlaps window 1/m);
    expectLine(/^row 11, accessTimeFrom_1: must be between 2020\/01\/01 00:00:00 and 2099\/12\/31 23:59:59/m);
    expectLine(/^row 12, accessTimeFrom_1: required when accessFlag_1 is given/m);
    expectLine(/^row 13, card_no_1: must be hex of at most 16 digits/m);
    expectLine(/^row 14, validityDateFrom_1: required when card_no_1 is given/m);
    expectLine(/^row 15, personName: is required to register the person on a device/m);
    expectLine(/^row 16, personCode: is required/m);
    expectLine(/^row 17, picture: is required/m);
    expectLine(/^row 18, personCode: 'B1' is already on row 2/m);
    expectLine(/^row 20, personCode: 'C1' is already on row 19/m);
    // An invalid row that also repeats a personCode reports both problems at once.
    expectLine(/^row 21, picture: file not found: missing\.jpg/m);
    expectLine(/^row 21, personCode: 'C1' is already on row 19/m);
    expect(loaded.rows.map((r) => r.personCode)).toEqual(['C1']);
    expect(loaded.invalid.map((r) => r.row)).toEqual([
      2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 20, 21,
    ]);
  });

  it('a refused date shows the value and the likely cause; a refused sex names the words that read', async () => {
    const loaded = await load(
      dir,
      csv(
        ['personCode', 'personName', 'sex', 'birthday', 'picture'],
        [
          ['E1', '一', 'male', '46027', 'p0.jpg'],
          ['E2', '二', 'male', '２０２６/０１/０５', 'p1.jpg'],
          ['E3', '三', 'おとこ', '', 'p2.jpg'],
        ],
      ),
    );
    expect(messages(loaded)).toEqual([
      "row 2, birthday: must be a real date in the form YYYY/MM/DD (got '46027': an Excel date serial? format the column as a date, yyyy/mm/dd)",
      "row 3, birthday: must be a real date in the form YYYY/MM/DD (got '２０２６/０１/０５': full-width digits? write them half-width)",
      "row 4, sex: must be one of male, female (or m, 男, 男性, f, 女, 女性) (got 'おとこ')",
    ]);
  });

  it('refuses a personCode typed with full-width letters or digits, naming the half-width code', async () => {
    const loaded = await load(
      dir,
      csv(
        ['personCode', 'personName', 'picture'],
        [
          ['D0001', '一', 'p0.jpg'],
          ['Ｄ０００１', '二', 'p1.jpg'],
          ['T-０1', '三', 'p2.jpg'],
        ],
      ),
    );
    expect(loaded.rows.map((r) => r.personCode)).toEqual(['D0001']);
    expect(messages(loaded)).toEqual([
      "row 3, personCode: 'Ｄ０００１' holds full-width letters or digits (typed with the IME on?), which the cloud would keep as another code than 'D0001': write it half-width",
      "row 4, personCode: 'T-０1' holds full-width letters or digits (typed with the IME on?), which the cloud would keep as another code than 'T-01': write it half-width",
    ]);
  });

  it('refuses unknown columns, a family entry past its maximum and a header without personCode', async () => {
    const loaded = await load(dir, csv(['personName', 'Name', 'accessFlag_11', 'card_no_4'], [['x', 'y', '1', '2']]));
    const fields = loaded.headerIssues.map((i) => `${i.field}: ${i.message}`);
    expect(fields).toEqual([
      expect.stringMatching(/^Name: unknown column/),
      'accessFlag_11: access takes at most 10 entries (N = 1…10)',
      'card_no_4: card takes at most 3 entries (N = 1…3)',
      'personCode: the header has no personCode column',
    ]);
    expect(loaded.rows).toEqual([]);
  });

  it('ignores unknown columns when asked to', async () => {
    const loaded = await load(dir, csv(['personCode', 'picture', 'Department'], [['D1', 'p0.jpg', 'HR']]), {
      ignoreUnknownColumns: true,
    });
    expect(loaded.headerIssues).toEqual([]);
    expect(loaded.rows.map((r) => r.personCode)).toEqual(['D1']);
  });

  it('marks rows naming devices the cloud does not list', async () => {
    const loaded = await load(
      dir,
      csv(
        ['personCode', 'personName', 'picture', 'serialNos'],
        [
          ['E1', 'e', 'p0.jpg', 'S1;S9'],
          ['E2', 'e', 'p1.jpg', 'S1'],
        ],
      ),
    );
    const checked = applyDeviceList(loaded, new Set(['S1']));
    expect(checked.rows.map((r) => r.personCode)).toEqual(['E2']);
    expect(checked.invalid).toEqual([
      {
        row: 2,
        personCode: 'E1',
        serials: ['S1', 'S9'],
        issues: [{ field: 'serialNos', message: "device 'S9' is not in the cloud's device list" }],
      },
    ]);
  });

  it('changes the row hash when a field or the picture bytes change, and only then', async () => {
    const h = async (name: string, pic: string) =>
      (await load(dir, csv(['personCode', 'personName', 'picture'], [['H1', name, pic]]))).rows[0].rowHash;
    const base = await h('a', 'p0.jpg');
    expect(await h('a', 'p0.jpg')).toBe(base);
    expect(await h('b', 'p0.jpg')).not.toBe(base);
    writeFileSync(join(dir, 'same-bytes.jpg'), await syntheticJpeg(0));
    expect(await h('a', 'same-bytes.jpg')).toBe(base);
    expect(await h('a', 'p1.jpg')).not.toBe(base);
  });

  it('reads CP932, BOM and quoted-newline fixtures with Japanese intact', async () => {
    const opts = { ignoreUnknownColumns: false, extraSerials: [], fixPictures: false, now: NOW };
    // The CSVs name pictures beside them: one folder with both, as a user would have it.
    const dir = tempDir();
    for (const f of ['persons-cp932.csv', 'persons-bom.csv', 'persons-quoted-newline.csv'])
      copyFileSync(join(FIXTURES, f), join(dir, f));
    for (const f of ['face-astronaut.jpg', 'face-cameraman.jpg', 'noface-cat.jpg'])
      copyFileSync(join(PICTURES, f), join(dir, f));
    const cp = await loadRows({ ...opts, csvPath: join(dir, 'persons-cp932.csv') });
    expect(cp.encoding).toBe('cp932');
    expect(cp.invalid).toEqual([]);
    expect(cp.rows.map((r) => [r.row, r.person.personName, r.person.sex, r.person.memo])).toEqual([
      [2, '山田 太郎', 'male', '総務部'],
      [3, '佐藤 花子', 'female', '営業部, 東京'],
      [4, '髙橋 﨑子', 'female', '①番窓口'],
    ]);
    const bom = await loadRows({ ...opts, csvPath: join(dir, 'persons-bom.csv') });
    expect(bom.encoding).toBe('utf8');
    expect(bom.rows.map((r) => r.person)).toEqual(cp.rows.map((r) => r.person));
    const quoted = await loadRows({ ...opts, csvPath: join(dir, 'persons-quoted-newline.csv') });
    expect(quoted.rows.map((r) => [r.row, r.person.personName, r.person.memo])).toEqual([
      [2, 'Smith, John', 'line one\nline two'],
      [3, '鈴木 一郎', 'He said "hi"'],
      [4, '田中 次郎', 'a\nb\nc'],
    ]);
    expect(quoted.invalid.map((r) => r.issues.map((i) => formatIssue(r.row, i)))).toEqual([
      ['row 5, picture: is required: a JPEG file (or recogLogSerialNo and recogLogId)'],
    ]);
  });
});
