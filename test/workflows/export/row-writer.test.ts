import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { OPERATE_COLUMNS, orderRow, RECOG_COLUMNS } from '../../../src/workflows/export/columns.js';
import { type ByteSink, createRowWriter } from '../../../src/workflows/export/row-writer.js';

function memorySink(): ByteSink & { bytes(): Buffer } {
  const chunks: Buffer[] = [];
  return { write: async (c) => void chunks.push(c), bytes: () => Buffer.concat(chunks) };
}

const row = orderRow(RECOG_COLUMNS, {
  personName: '山田 太郎',
  id: '125',
  time: '2020/08/27 12:03:05',
  serialNo: '7L11R010014',
  pass: true,
  temp: 36.2,
  mask: 1,
  extra: 'x',
});

describe('row writer', () => {
  it('CSV columns follow the documented order whatever the row order', async () => {
    const sink = memorySink();
    const w = await createRowWriter(sink, { format: 'csv', columns: RECOG_COLUMNS });
    await w.writeRows([row]);
    await w.end();
    const [header, line] = sink.bytes().toString('utf8').trim().split('\n');
    expect(header).toBe(RECOG_COLUMNS.join(','));
    expect(line).toBe('7L11R010014,125,2020/08/27 12:03:05,,山田 太郎,,1,36.2,true,,,,,,,');
  });

  it('CP932 CSV is Shift_JIS bytes, and --bom puts EF BB BF before UTF-8', async () => {
    const sjis = memorySink();
    const w1 = await createRowWriter(sjis, { format: 'csv', columns: RECOG_COLUMNS, encoding: 'cp932' });
    await w1.writeRows([row]);
    await w1.end();
    const bytes = sjis.bytes();
    expect(bytes.includes(iconv.encode('山田 太郎', 'cp932'))).toBe(true);
    expect(bytes.includes(Buffer.from('山田', 'utf8'))).toBe(false);
    expect(iconv.decode(bytes, 'cp932')).toContain('山田 太郎');

    const bom = memorySink();
    const w2 = await createRowWriter(bom, { format: 'csv', columns: OPERATE_COLUMNS, bom: true });
    await w2.end();
    expect([...bom.bytes().subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bom.bytes().subarray(3).toString('utf8')).toBe(`${OPERATE_COLUMNS.join(',')}\n`);
  });

  it('json is one valid array, empty or not; ndjson one object a line', async () => {
    for (const n of [0, 1, 3]) {
      const sink = memorySink();
      const w = await createRowWriter(sink, { format: 'json', columns: RECOG_COLUMNS });
      for (let i = 0; i < n; i++) await w.writeRows([{ ...row, id: i }]);
      await w.end();
      const parsed = JSON.parse(sink.bytes().toString('utf8'));
      expect(parsed.map((r: { id: number }) => r.id)).toEqual(Array.from({ length: n }, (_, i) => i));
    }
    const sink = memorySink();
    const w = await createRowWriter(sink, { format: 'ndjson', columns: RECOG_COLUMNS });
    await w.writeRows([row, { ...row, id: '124' }]);
    await w.end();
    const lines = sink
      .bytes()
      .toString('utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(['125', '124']);
    expect(Object.keys(lines[0]).slice(0, 3)).toEqual(['serialNo', 'id', 'time']);
    expect(lines[0].extra).toBe('x');
  });

  it('pages written concurrently never interleave inside a page', async () => {
    const sink = memorySink();
    const w = await createRowWriter(sink, { format: 'ndjson', columns: ['serialNo', 'id'] });
    const page = (s: string) => Array.from({ length: 50 }, (_, i) => ({ serialNo: s, id: i }));
    await Promise.all([w.writeRows(page('A')), w.writeRows(page('B')), w.writeRows(page('A'))]);
    await w.end();
    const serials = sink
      .bytes()
      .toString('utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).serialNo)
      .join('');
    expect(serials).toBe(`${'A'.repeat(50)}${'B'.repeat(50)}${'A'.repeat(50)}`);
  });
});
