import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { createRowWriter, defaultFormat, parseFormat, renderOutput, startSpinner } from '../../src/core/output.js';
import { tabulate } from '../../src/core/output-rows.js';
import { testContext } from './test-context.js';

/** Display width on a terminal: CJK and full-width forms take two cells. */
function stringWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    const wide =
      (cp >= 0x1100 && cp <= 0x115f) ||
      (cp >= 0x2e80 && cp <= 0xa4cf) ||
      (cp >= 0xac00 && cp <= 0xd7a3) ||
      (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0xff00 && cp <= 0xff60) ||
      (cp >= 0xffe0 && cp <= 0xffe6);
    w += wide ? 2 : 1;
  }
  return w;
}

const listAnswer = {
  rows: 150,
  pages: 2,
  pictureCookie: { 'CloudFront-Policy': 'p', 'CloudFront-Signature': 's', 'CloudFront-Key-Pair-Id': 'k' },
  list: [
    {
      id: 2,
      time: '2026/11/23 10:00:00',
      personCode: 'P001',
      personName: '山田太郎',
      pictureUrl: 'https://x/1.jpg',
      temp: 36.5,
    },
    {
      id: 1,
      time: '2026/11/23 09:00:00',
      personCode: 'P002',
      personName: 'Smith, "Jo"',
      pictureUrl: 'https://x/2.jpg',
      temp: null,
    },
  ],
};

const accessTimes = {
  '7L11R010014': [
    { accessFlag: 1, accessTimeFrom: '2026/01/01 00:00:00', accessTimeTo: '2026/12/31 23:59:59' },
    { accessFlag: 0, accessTimeFrom: '2027/01/01 00:00:00', accessTimeTo: '2027/01/31 23:59:59' },
  ],
  S99999: [{ accessFlag: 1, accessTimeFrom: '2026/02/01 00:00:00', accessTimeTo: '2026/02/02 00:00:00' }],
};

function render(format: Parameters<typeof renderOutput>[1], data: unknown, columns?: string[]) {
  const ctx = testContext();
  renderOutput(ctx, format, data, { columns });
  return { out: ctx.out(), err: ctx.err() };
}

describe('format choice', () => {
  it('is a table on a terminal and JSON otherwise', () => {
    expect(defaultFormat(testContext({ stdoutIsTTY: true }))).toBe('table');
    expect(defaultFormat(testContext({ stdoutIsTTY: false }))).toBe('json');
    expect(parseFormat('CSV')).toBe('csv');
    expect(() => parseFormat('yaml')).toThrow(UsageError);
  });
});

describe('json', () => {
  it('is the answer unchanged, pretty-printed', () => {
    const { out, err } = render('json', listAnswer);
    expect(JSON.parse(out)).toEqual(listAnswer);
    expect(out).toBe(`${JSON.stringify(listAnswer, null, 2)}\n`);
    expect(err).toBe('');
  });
});

describe('ndjson', () => {
  it('prints one line per row of a list answer', () => {
    const lines = render('ndjson', listAnswer).out.trim().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual(listAnswer.list);
  });

  it('prints a map answer as one object', () => {
    const lines = render('ndjson', accessTimes).out.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toEqual(accessTimes);
  });
});

describe('csv', () => {
  it('writes the rows of a list answer with the union of their keys', () => {
    const records = parse(render('csv', listAnswer).out, { columns: true });
    expect(records).toEqual([
      {
        id: '2',
        time: '2026/11/23 10:00:00',
        personCode: 'P001',
        personName: '山田太郎',
        pictureUrl: 'https://x/1.jpg',
        temp: '36.5',
      },
      {
        id: '1',
        time: '2026/11/23 09:00:00',
        personCode: 'P002',
        personName: 'Smith, "Jo"',
        pictureUrl: 'https://x/2.jpg',
        temp: '',
      },
    ]);
  });

  it('flattens maps keyed by serial with a serialNo column', () => {
    const records: Record<string, string>[] = parse(render('csv', accessTimes).out, { columns: true });
    expect(records).toHaveLength(3);
    expect(records[0]).toEqual({
      serialNo: '7L11R010014',
      accessFlag: '1',
      accessTimeFrom: '2026/01/01 00:00:00',
      accessTimeTo: '2026/12/31 23:59:59',
    });
    expect(records[2].serialNo).toBe('S99999');
  });

  it('JSON-encodes nested values and honours chosen columns', () => {
    const out = render(
      'csv',
      [{ personCode: 'P1', serialNos: ['A1', 'B2'], accessTimes: [{ f: 1 }] }],
      ['personCode', 'serialNos'],
    ).out;
    expect(parse(out, { columns: true })).toEqual([{ personCode: 'P1', serialNos: '["A1","B2"]' }]);
  });
});

describe('table', () => {
  it('shows the rows of a list, hides pictures, and puts the footer on stderr', () => {
    const { out, err } = render('table', listAnswer);
    expect(out).toContain('山田太郎');
    expect(out).toContain('personCode');
    expect(out).not.toContain('pictureUrl');
    expect(out).not.toContain('CloudFront');
    expect(err).toBe('2 pages, 2 of 150 rows\n');
    // full-width characters count double: every line of the table has the same display width
    const widths = new Set(
      out
        .trimEnd()
        .split('\n')
        .map((l) => stringWidth(l)),
    );
    expect(widths.size).toBe(1);
  });

  it('flattens a serial map with a serialNo column', () => {
    const { out } = render('table', accessTimes);
    const lines = out.trimEnd().split('\n');
    expect(lines[1]).toMatch(/serialNo/);
    expect(out.match(/7L11R010014/g)).toHaveLength(2);
    expect(out).toContain('S99999');
  });

  it('shows a single object as key/value lines', () => {
    const { out } = render('table', { deviceType: 'SPS-F01', serialNumber: '7L11R010014' });
    expect(out).toMatch(/deviceType\s*│\s*SPS-F01/);
  });

  it('summarises arrays and long values', () => {
    const { out } = render('table', [
      { personCode: 'P1', serialNos: Array.from({ length: 20 }, (_, i) => `SERIAL${i}`) },
    ]);
    expect(out).toContain('[20 items]');
  });

  it('says so on stderr when there are no rows', () => {
    const { out, err } = render('table', { rows: 0, pages: 0, list: [] });
    expect(out).toBe('');
    expect(err).toContain('(no rows)');
    const empty = render('table', {});
    expect(empty.out).toBe('');
    expect(empty.err).toBe('(empty)\n');
  });
});

describe('tabulate', () => {
  it('reads SenseLink envelopes', () => {
    const t = tabulate({
      code: 200,
      message: 'OK',
      data: { page_num: 1, page_size: 100, total: 1, list: [{ record_id: 1 }] },
    });
    expect(t.rows).toEqual([{ record_id: 1 }]);
    expect(t.footer).toBe('page 1, 1 of 1 rows');
  });

  it('flattens apbRepaire answers', () => {
    const t = tabulate({ '7L11R010014': { success: ['P1'], error: [] } });
    expect(t.rows).toEqual([{ serialNo: '7L11R010014', success: ['P1'], error: [] }]);
  });
});

describe('row writer (--all)', () => {
  const rows = [
    { id: 3, name: 'a' },
    { id: 2, name: 'b' },
    { id: 1, name: 'c' },
  ];

  it.each(['json', 'ndjson', 'csv', 'table'] as const)('%s', (format) => {
    const ctx = testContext();
    const w = createRowWriter(ctx, format);
    for (const r of rows) w.write(r);
    w.end();
    expect(w.count).toBe(3);
    const out = ctx.out();
    if (format === 'json') expect(JSON.parse(out)).toEqual(rows);
    if (format === 'ndjson')
      expect(
        out
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l)),
      ).toEqual(rows);
    if (format === 'csv')
      expect(parse(out, { columns: true })).toEqual(rows.map((r) => ({ id: String(r.id), name: r.name })));
    if (format === 'table') {
      expect(out).toContain('name');
      expect(ctx.err()).toBe('3 rows\n');
    }
  });

  it('writes valid empty output', () => {
    const ctx = testContext();
    const w = createRowWriter(ctx, 'json');
    w.end();
    expect(JSON.parse(ctx.out())).toEqual([]);
    const csv = testContext();
    const wc = createRowWriter(csv, 'csv', ['id', 'name']);
    wc.end();
    expect(csv.out()).toBe('id,name\n');
  });
});

describe('spinner', () => {
  it('writes nothing when stderr is not a terminal', () => {
    const ctx = testContext({ stderrIsTTY: false });
    const s = startSpinner(ctx, 'working');
    s.update('still working');
    s.succeed('done');
    expect(ctx.err()).toBe('');
  });

  it('draws on stderr when it is a terminal, never on stdout', async () => {
    const ctx = testContext({ stderrIsTTY: true });
    const s = startSpinner(ctx, 'waiting for 7L11R010014');
    await s.ready;
    s.succeed('synced 7L11R010014');
    expect(ctx.err()).toContain('waiting for 7L11R010014');
    expect(ctx.err()).toContain('synced 7L11R010014');
    expect(ctx.out()).toBe('');
  });
});
