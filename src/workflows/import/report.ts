/**
 * The outcome, written for people and for scripts: the `--report` CSV (one line per row and
 * device) and the counts behind the summary table.
 */
import { RuntimeError } from '../../core/errors.js';
import { type ProcessProbe, writeFileAtomic } from '../../core/safe-file.js';
import type { InvalidRow, LineStatus, ReportLine } from './types.js';

export const REPORT_COLUMNS = ['row', 'personCode', 'serialNo', 'status', 'step', 'message'] as const;

/** Invalid rows as report lines: one per row, every issue in the message. */
export function invalidLines(invalid: readonly InvalidRow[]): ReportLine[] {
  return invalid.map((r) => ({
    row: r.row,
    personCode: r.personCode ?? '',
    serialNo: r.serials.join(';'),
    status: 'invalid' as const,
    step: 'validate' as const,
    message: r.issues.map((i) => `${i.field}: ${i.message}`).join('; '),
  }));
}

/** The report as CSV text; `escapeFormulas` neutralises cells a spreadsheet would run (core/untrusted-text). */
export async function reportCsv(lines: readonly ReportLine[], escapeFormulas = false): Promise<string> {
  const { stringify } = await import('csv-stringify/sync');
  const sorted = [...lines].sort((a, b) => a.row - b.row || a.serialNo.localeCompare(b.serialNo));
  return stringify(
    sorted.map((l) => REPORT_COLUMNS.map((c) => String(l[c]))),
    { header: true, columns: [...REPORT_COLUMNS], record_delimiter: 'unix', escape_formulas: escapeFormulas },
  );
}

/** Written through a temporary file and a rename (core/safe-file): a link at `path` is replaced, never followed. */
export async function writeReport(
  owner: ProcessProbe,
  path: string,
  lines: readonly ReportLine[],
  escapeFormulas = false,
): Promise<void> {
  try {
    await writeFileAtomic(owner, path, await reportCsv(lines, escapeFormulas), 0o600);
  } catch (err) {
    throw new RuntimeError(`cannot write the report ${path}: ${(err as Error).message}`);
  }
}

export interface StatusCounts {
  /** Rows by their overall status: failed if any device failed, skipped if all were skipped. */
  rows: Record<LineStatus, number>;
  /** Report lines (row × device) by status. */
  lines: Record<LineStatus, number>;
}

function zero(): Record<LineStatus, number> {
  return { ok: 0, skipped: 0, failed: 0, invalid: 0 };
}

export function rowStatus(lines: readonly ReportLine[]): LineStatus {
  if (lines.some((l) => l.status === 'invalid')) return 'invalid';
  if (lines.some((l) => l.status === 'failed')) return 'failed';
  if (lines.every((l) => l.status === 'skipped')) return 'skipped';
  return 'ok';
}

export function countStatuses(lines: readonly ReportLine[]): StatusCounts {
  const counts: StatusCounts = { rows: zero(), lines: zero() };
  const byRow = new Map<number, ReportLine[]>();
  for (const l of lines) {
    counts.lines[l.status]++;
    const list = byRow.get(l.row);
    if (list) list.push(l);
    else byRow.set(l.row, [l]);
  }
  for (const list of byRow.values()) counts.rows[rowStatus(list)]++;
  return counts;
}
