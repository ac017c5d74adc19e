import { describe, expect, it } from 'vitest';
import { readCsvTable, unwrapExcelText } from '../../../src/workflows/import/csv-records.js';

describe('CSV records', () => {
  it('numbers rows as a spreadsheet does: quoted newlines do not shift later rows', async () => {
    const text = 'a,b\r\n1,"x\r\ny\r\nz"\r\n2,"q, r"\r\n3,"he said ""hi"""\r\n';
    const table = await readCsvTable(text);
    expect(table.header).toEqual(['a', 'b']);
    expect(table.records).toEqual([
      { row: 2, fields: ['1', 'x\r\ny\r\nz'] },
      { row: 3, fields: ['2', 'q, r'] },
      { row: 4, fields: ['3', 'he said "hi"'] },
    ]);
  });

  it('counts an empty line as a (blank) row, like a spreadsheet shows it', async () => {
    const table = await readCsvTable('a,b\n1,x\n\n2,y\n');
    expect(table.records.map((r) => [r.row, r.fields[0]])).toEqual([
      [2, '1'],
      [3, ''],
      [4, '2'],
    ]);
  });

  it('accepts LF and CRLF and a missing final newline', async () => {
    expect((await readCsvTable('a\n1\n2')).records.map((r) => r.row)).toEqual([2, 3]);
    expect((await readCsvTable('a\r\n1\r\n2\r\n')).records.map((r) => r.row)).toEqual([2, 3]);
  });

  it('reads CR-only line ends (old Mac Excel) with the same row numbers', async () => {
    const table = await readCsvTable('a,b\r1,x\r\r2,y\r');
    expect(table.records.map((r) => [r.row, r.fields[0]])).toEqual([
      [2, '1'],
      [3, ''],
      [4, '2'],
    ]);
  });

  it("names the row and column of malformed CSV in a spreadsheet user's words, not the parser's", async () => {
    const unclosed = readCsvTable('a,b\n1,2\n3,"unclosed\n');
    await expect(unclosed).rejects.toThrow(
      /^row 3, column 2: a cell starts with a double quote \(".*never closed.*two quotes/,
    );
    await expect(unclosed).rejects.not.toThrow(/Quote Not Closed|CSV_/);
    // A stray quote in the middle of a cell is text, as Excel reads it (so ="00123" works).
    const stray = await readCsvTable('a,b\n1,5" screen\n');
    expect(stray.records[0].fields).toEqual(['1', '5" screen']);
  });

  it('reads a tab-separated table when told the header uses tabs', async () => {
    const table = await readCsvTable('a\tb\n1\tx, y\n', { delimiter: '\t' });
    expect(table.header).toEqual(['a', 'b']);
    expect(table.records[0].fields).toEqual(['1', 'x, y']);
  });

  it('unwraps Excel\'s ="00123" cells (leading zeros kept), quoted or not', async () => {
    const table = await readCsvTable('a,b,c\n="00123","=""007""",="say ""hi"""\n=SUM(1),x="1",plain\n');
    expect(table.records[0].fields).toEqual(['00123', '007', 'say "hi"']);
    expect(table.records[1].fields).toEqual(['=SUM(1)', 'x="1"', 'plain']);
    expect(unwrapExcelText('="0012"')).toBe('0012');
  });

  it('refuses a file without a header', async () => {
    await expect(readCsvTable('')).rejects.toThrow(/row 1: the CSV has no header row/);
  });
});
