/**
 * CSV text → records numbered as a spreadsheet shows them. csv-parse counts records, not lines, so a
 * quoted field holding a newline does not shift the numbers of the rows after it; empty lines are
 * kept as (blank) records because a spreadsheet shows them as rows too. LF, CRLF and CR-only (old
 * Mac Excel) line ends are all read; the delimiter is the header's (comma or tab, see csv-decode).
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

/**
 * Excel's way of keeping leading zeros: a cell written `="00123"` is the text `00123`. Only the whole
 * cell in that exact shape is unwrapped (a doubled quote inside stands for one quote).
 */
export function unwrapExcelText(cell: string): string {
  const m = /^\s*="((?:[^"]|"")*)"\s*$/s.exec(cell);
  return m ? m[1].replaceAll('""', '"') : cell;
}

interface CsvParseError {
  code?: string;
  message?: string;
  records?: number;
  column?: number | string;
}

/** A csv-parse error in a spreadsheet user's words: where, what is wrong, and what to do. */
function friendlyParseError(err: unknown, delimiter: string): UsageError {
  const e = err as CsvParseError;
  const row = typeof e.records === 'number' ? e.records + 1 : undefined;
  const col = typeof e.column === 'number' ? `, column ${e.column + 1}` : '';
  const where = row ? `row ${row}${col}` : 'the CSV';
  const sep = delimiter === '\t' ? 'tab' : 'comma';
  switch (e.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new UsageError(
        `${where}: a cell starts with a double quote (") that is never closed, so the rest of the file ` +
          `would be one cell. Close the quote, or write a quote inside a cell as two quotes (""); saving ` +
          `the sheet again from Excel does this for you`,
      );
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return new UsageError(
        `${where}: a quoted cell has more text after its closing quote (") before the next ${sep}. ` +
          `Put the whole cell in quotes and write a quote inside it as two quotes (""); saving the sheet ` +
          `again from Excel does this for you`,
      );
    default:
      return new UsageError(
        `${where}: the file is not a well-formed CSV here (${e.code ?? 'unreadable'}). Open it in a ` +
          `spreadsheet, check this row, and save it again as CSV`,
      );
  }
}

/** Parses the whole text. Malformed CSV (an unclosed quote…) is a UsageError naming the row and what to do. */
export async function readCsvTable(text: string, opts: { delimiter?: ',' | '\t' } = {}): Promise<CsvTable> {
  const delimiter = opts.delimiter ?? ',';
  const parser = parse(text, {
    info: true,
    bom: true,
    delimiter,
    relax_column_count: true,
    // `="00123"` and a stray quote inside an unquoted cell are text, as Excel reads them.
    relax_quotes: true,
    skip_empty_lines: false,
  });
  const records: CsvRecord[] = [];
  let header: string[] | undefined;
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { records: number } }>) {
      const row = item.info.records;
      const fields = item.record.map(unwrapExcelText);
      if (!header) {
        header = fields;
        continue;
      }
      records.push({ row, fields });
    }
  } catch (err) {
    throw friendlyParseError(err, delimiter);
  }
  if (!header || isBlankRecord(header)) throw new UsageError('row 1: the CSV has no header row');
  return { header, records };
}

/** Where the first U+FFFD (a byte the decoder could not read) is: spreadsheet row and column index. */
export function findReplacementChar(table: CsvTable): { row: number; column: number } | undefined {
  const inRow = (fields: string[], row: number) => {
    const column = fields.findIndex((f) => f.includes('\ufffd'));
    return column >= 0 ? { row, column } : undefined;
  };
  const head = inRow(table.header, 1);
  if (head) return head;
  for (const r of table.records) {
    const at = inRow(r.fields, r.row);
    if (at) return at;
  }
  return undefined;
}
