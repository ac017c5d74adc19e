/**
 * CSV text → records numbered as a spreadsheet shows them. csv-parse counts records, not lines, so a
 * quoted field holding a newline does not shift the numbers of the rows after it; empty lines are
 * kept as (blank) records because a spreadsheet shows them as rows too.
 */
import { parse } from 'csv-parse';
import { UsageError } from '../../core/errors.js';

export interface CsvRecord {
  /** Spreadsheet row number: the header is 1. */
  row: number;
  fields: string[];
}

export interface CsvTable {
  header: string[];
  records: CsvRecord[];
}

export function isBlankRecord(fields: readonly string[]): boolean {
  return fields.every((f) => f.trim() === '');
}

/** Parses the whole text. Malformed CSV (an unclosed quote…) is a UsageError naming the row. */
export async function readCsvTable(text: string): Promise<CsvTable> {
  const parser = parse(text, {
    info: true,
    bom: true,
    relax_column_count: true,
    skip_empty_lines: false,
  });
  const records: CsvRecord[] = [];
  let header: string[] | undefined;
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { records: number } }>) {
      const row = item.info.records;
      if (!header) {
        header = item.record;
        continue;
      }
      records.push({ row, fields: item.record });
    }
  } catch (err) {
    const e = err as { message?: string; records?: number; lines?: number };
    const row = typeof e.records === 'number' ? e.records + 1 : undefined;
    throw new UsageError(`${row ? `row ${row}: ` : ''}the CSV cannot be read: ${e.message ?? String(err)}`);
  }
  if (!header || isBlankRecord(header)) throw new UsageError('row 1: the CSV has no header row');
  return { header, records };
}
