import { describe, expect, it } from 'vitest';
import { readCsvTable } from '../../../src/workflows/import/csv-records.js';

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

  it('names the row of malformed CSV', async () => {
    await expect(readCsvTable('a,b\n1,2\n3,"unclosed\n')).rejects.toThrow(/the CSV cannot be read/);
  });

  it('refuses a file without a header', async () => {
    await expect(readCsvTable('')).rejects.toThrow(/row 1: the CSV has no header row/);
  });
});
