/**
 * The row writer builds JSON lines without a reordered copy of each row (columns.ts
 * jsonRowFormatter) and encodes text straight into the file sink's batch. Its output must stay byte
 * for byte what the previous formatting wrote: `JSON.stringify(orderRow(...))` per row, and
 * csv-stringify over the ordered rows, for rows with unusual values too.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { openAtomicFile } from '../../../src/core/safe-file.js';
import {
  jsonPageFormatter,
  jsonRowFormatter,
  OPERATE_COLUMNS,
  orderRow,
  RECOG_COLUMNS,
  SENSELINK_COLUMNS,
} from '../../../src/workflows/export/columns.js';
import { type ByteSink, createRowWriter, type ExportFormat } from '../../../src/workflows/export/row-writer.js';
import { fileSink, streamSink } from '../../../src/workflows/export/sinks.js';
import { tempDir } from '../../helpers/temp.js';

type Row = Record<string, unknown>;

/** Rows as an API might answer them: any key order, extra fields, nulls, odd text and numbers. */
function unusualRows(): Row[] {
  const rows: Row[] = [
    { time: '2020/08/27 12:03:05', id: '125', personName: '山田 太郎', pass: true, temp: 36.2, mask: 1 },
    // A newer API's extra fields, nested values, null and missing documented columns.
    {
      id: 124,
      time: '2020/08/27 12:03:04',
      personCode: null,
      faceQuality: { score: 0.93, tags: ['a', null, 2] },
      newFlag: false,
      list: [],
      empty: {},
    },
    // Numbers as strings, text that needs escaping, lone surrogates, U+2028, control characters.
    {
      id: '0123',
      time: '2020/08/27 12:03:03',
      temp: '36.50',
      searchScore: '1e3',
      personName: 'quote " backslash \\ tab \t newline \n nul \u0000 \u001f',
      cardNo: '\ud800 lone \udc00 pair 😀 \u2028\u2029 \u007f',
      passFlagName: '=SUM(A1)',
      accessType: '',
    },
    // Non-finite and odd numbers; undefined (left out by JSON.stringify); a row's own serialNo.
    {
      id: 1,
      time: 't',
      temp: Number.NaN,
      searchScore: Number.POSITIVE_INFINITY,
      mask: -0,
      pass: 1e21,
      extra: undefined,
    },
    { serialNo: 'ROWS-OWN', id: 2, time: 't', cardType: 0, cardBindPersonName: 'ｶﾅ 全角　空白' },
    // Keys an object enumerates first (digits) and names Object.prototype has.
    { id: 3, time: 't', 7: 'seven', '10': 'ten', constructor: 'c', toString: 'x', z: 1 },
    // Only extras; nothing documented at all.
    { extraOnly: 'yes' },
    {},
  ];
  rows.push(JSON.parse('{"id":4,"time":"t","__proto__":{"x":1},"after":"a"}'));
  // Rows in each documented order (as the API answers them), with odd values and extra fields after:
  // the formatter's one-JSON.stringify path.
  for (const columns of [RECOG_COLUMNS, OPERATE_COLUMNS, SENSELINK_COLUMNS]) {
    const inOrder = (skipSerial: boolean, extra: Row) => {
      const row: Row = {};
      columns.forEach((c, i) => {
        if (!(skipSerial && c === 'serialNo'))
          row[c] = [`v"${i}\n`, i, null, true, '山田', { n: [i] }, '\ud800'][i % 7];
      });
      return Object.assign(row, extra);
    };
    rows.push(inOrder(true, {}), inOrder(true, { newField: 'x', nested: { a: 1 } }), inOrder(false, { more: null }));
    rows.push(
      inOrder(true, { id: undefined }),
      inOrder(true, { extra: undefined }),
      inOrder(true, { serialNo: 'late' }),
    );
    rows.push(inOrder(true, { 5: 'digit' }), inOrder(true, { constructor: 'c' }));
  }
  return rows;
}

/**
 * Pages as facetCloud answers them: every row in the documented order with only flat values (the
 * page formatter's one-JSON.stringify path), with text that looks like a row boundary inside values.
 */
function flatPages(columns: readonly string[], withSerial: boolean): Row[][] {
  const odd = ['},{"id":1', '}\n{"', '"},{"', '$& $1 $$ $`', '\\},{\\"', '山田 😀 \u2028', '\ud800', ''];
  const row = (n: number, extra: Row = {}): Row => {
    const r: Row = {};
    columns.forEach((c, i) => {
      if (!(withSerial && c === 'serialNo')) r[c] = [odd[(n + i) % odd.length], n * 100 + i, null, i % 2 === 0][i % 4];
    });
    return Object.assign(r, extra);
  };
  return [
    [row(1)],
    Array.from({ length: 100 }, (_, n) => row(n)),
    [row(1, { newField: '},{"x":2', flag: false, gone: undefined }), row(2, { newField: null })],
    // One row with a nested value: the whole page goes row by row.
    [row(1), row(2, { nested: { a: '},{"' }, list: [{ a: 1 }, { b: 2 }] }), row(3)],
    [row(1), { ...row(2), [columns[withSerial ? 1 : 0]]: undefined }, row(3)],
  ];
}

/** The previous formatting (row-writer.ts before jsonRowFormatter), kept here as the reference. */
function previousText(format: ExportFormat, columns: readonly string[], rows: Row[], serialNo?: string): string {
  const ordered = rows.map((r) => orderRow(columns, r, serialNo));
  if (format === 'ndjson') return ordered.map((r) => `${JSON.stringify(r)}\n`).join('');
  if (format === 'json')
    return `[${ordered.map((r, i) => `${i === 0 ? '\n' : ',\n'}${JSON.stringify(r)}`).join('')}\n]\n`;
  const csvOptions = { columns: [...columns], cast: { boolean: (v: boolean) => (v ? 'true' : 'false') } };
  return stringify([], { ...csvOptions, header: true }) + stringify(ordered, { ...csvOptions, header: false });
}

function memorySink(withText: boolean): ByteSink & { bytes(): Buffer } {
  const chunks: Buffer[] = [];
  const sink: ByteSink & { bytes(): Buffer } = {
    write: async (c) => void chunks.push(Buffer.from(c)),
    bytes: () => Buffer.concat(chunks),
  };
  if (withText) sink.writeText = async (t) => void chunks.push(Buffer.from(t, 'utf8'));
  return sink;
}

const owner = { pid: process.pid, isRunning: () => true };
const cases: { columns: readonly string[]; serialNo?: string }[] = [
  { columns: RECOG_COLUMNS, serialNo: '7L11R010014' },
  { columns: RECOG_COLUMNS },
  { columns: OPERATE_COLUMNS, serialNo: 'DEV' },
  { columns: SENSELINK_COLUMNS },
];

describe('row output is byte-identical to the previous formatting', () => {
  it('jsonRowFormatter equals JSON.stringify(orderRow(...)) for every unusual row', () => {
    for (const { columns, serialNo } of cases) {
      const line = jsonRowFormatter(columns);
      for (const row of unusualRows())
        expect(line(row, serialNo)).toBe(JSON.stringify(orderRow(columns, row, serialNo)));
    }
  });

  it("jsonPageFormatter equals the rows' lines joined, on flat pages in documented order and on all others", () => {
    const serials = ['7L11R010014', '$& $1 $$', 'quote " \\ },{"'];
    for (const { columns, serialNo } of cases) {
      const page = jsonPageFormatter(columns);
      const pages = [...flatPages(columns, serialNo !== undefined), ...flatPages(columns, false), unusualRows(), []];
      for (const serial of serialNo === undefined ? [undefined] : serials) {
        for (const rows of pages) {
          for (const separator of ['\n', ',\n']) {
            const expected = rows.map((r) => JSON.stringify(orderRow(columns, r, serial))).join(separator);
            expect(page(rows, serial, separator)).toBe(expected);
          }
        }
      }
    }
  });

  it("the writer's flat pages are the previous bytes in every format", async () => {
    for (const format of ['ndjson', 'json', 'csv'] as const) {
      for (const { columns, serialNo } of cases) {
        const pages = flatPages(columns, serialNo !== undefined);
        const sink = memorySink(true);
        const w = await createRowWriter(sink, { format, columns });
        for (const rows of pages) await w.writeRows(rows, serialNo);
        await w.end();
        expect(sink.bytes().equals(Buffer.from(previousText(format, columns, pages.flat(), serialNo)))).toBe(true);
      }
    }
  });

  for (const format of ['ndjson', 'json', 'csv'] as const) {
    it(`${format}: memory sinks with and without writeText, the file sink and the stream sink`, async () => {
      const dir = tempDir('facetctl-rowfmt-');
      for (const [n, { columns, serialNo }] of cases.entries()) {
        const expected = Buffer.from(previousText(format, columns, unusualRows(), serialNo), 'utf8');
        const write = async (sink: ByteSink) => {
          const w = await createRowWriter(sink, { format, columns });
          // Two pages, as the export writes them.
          await w.writeRows(unusualRows().slice(0, 4), serialNo);
          await w.writeRows(unusualRows().slice(4), serialNo);
          await w.end();
        };
        for (const withText of [false, true]) {
          const sink = memorySink(withText);
          await write(sink);
          expect(sink.bytes().equals(expected)).toBe(true);
        }
        const file = await openAtomicFile(owner, join(dir, `${format}-${n}.out`));
        await write(fileSink(file));
        await file.commit();
        expect(readFileSync(join(dir, `${format}-${n}.out`)).equals(expected)).toBe(true);
        const stream = new PassThrough();
        const got: Buffer[] = [];
        stream.on('data', (c) => got.push(Buffer.from(c)));
        await write(streamSink(stream));
        expect(Buffer.concat(got).equals(expected)).toBe(true);
      }
    });
  }

  it('CSV in CP932 with a BOM-less header is the previous bytes, and a page larger than the file batch is whole', async () => {
    const rows = unusualRows();
    const sink = memorySink(true);
    const w = await createRowWriter(sink, { format: 'csv', columns: RECOG_COLUMNS, encoding: 'cp932' });
    await w.writeRows(rows, 'SJIS');
    await w.end();
    const text = previousText('csv', RECOG_COLUMNS, rows, 'SJIS');
    expect(sink.bytes().equals(iconv.encode(text.replace(/[\ud800-\udfff😀\u2028\u2029]/gu, '?'), 'cp932'))).toBe(true);

    const dir = tempDir('facetctl-rowfmt-');
    const big = Array.from({ length: 6000 }, (_, i) => ({ id: i, time: 't', personName: 'x'.repeat(200) }));
    const file = await openAtomicFile(owner, join(dir, 'big.ndjson'));
    const wb = await createRowWriter(fileSink(file), { format: 'ndjson', columns: RECOG_COLUMNS });
    await wb.writeRows(big.slice(0, 10), 'B');
    await wb.writeRows(big.slice(10), 'B');
    await wb.end();
    await file.commit();
    expect(readFileSync(join(dir, 'big.ndjson'), 'utf8')).toBe(previousText('ndjson', RECOG_COLUMNS, big, 'B'));
  });
});
