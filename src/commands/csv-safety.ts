/**
 * The export commands' CSV safety: formula escaping (`--csv-formulas`, on by default for a CSV made
 * for a spreadsheet) and CP932 characters that cannot be written (`--cp932-replace`). Without
 * `--cp932-replace`, each row holding such a character is named on stderr and the export exits 3;
 * with it, the replacement is written and one line says how many rows were touched.
 */
import { note } from '../core/context.js';
import { checkCp932Replacement, describeChar } from '../core/cp932.js';
import { UsageError } from '../core/errors.js';
import { escapeCsvFormulas } from '../core/untrusted-text.js';
import type { CsvSafetyOptions } from '../workflows/export/row-writer.js';
import type { CommandEnv } from './env.js';

/** Rows named one by one on stderr; beyond this, a count. */
const MAX_NAMED_ROWS = 20;

export interface ExportCsvSafety {
  csv: CsvSafetyOptions;
  /** After the export: notes the rows with missing characters; true when that makes the run partial (exit 3). */
  finish(): boolean;
}

/**
 * Reads the flags (usage errors before anything is sent) and returns the writer's options and the
 * end-of-run report. `encoding` is checkCsvFlags' answer.
 */
export function exportCsvSafety(
  env: CommandEnv,
  flags: { bom?: boolean; cp932Replace?: string },
  encoding: 'utf8' | 'cp932',
): ExportCsvSafety {
  const replace = flags.cp932Replace;
  if (replace !== undefined) {
    if (encoding !== 'cp932') throw new UsageError('--cp932-replace applies to --encoding cp932 only');
    const why = checkCp932Replacement(replace);
    if (why) throw new UsageError(`--cp932-replace ${replace}: ${why}`);
  }
  const rows: { label: string; chars: string[] }[] = [];
  let total = 0;
  const csv: CsvSafetyOptions = {
    escapeFormulas: escapeCsvFormulas(env.flags().csvFormulas, flags.bom === true || encoding === 'cp932'),
    replacement: replace,
    onUnmappable: (label, chars) => {
      total++;
      if (rows.length < MAX_NAMED_ROWS) rows.push({ label, chars });
    },
  };
  return {
    csv,
    finish() {
      if (total === 0) return false;
      const ctx = env.ctx;
      if (replace !== undefined) {
        note(ctx, `${total} row(s) held characters CP932 cannot hold; written as '${replace}' (--cp932-replace)`);
        return false;
      }
      for (const r of rows) {
        note(ctx, `${r.label}: ${r.chars.map(describeChar).join(', ')} cannot be written in CP932; written as '?'`);
      }
      if (total > rows.length) note(ctx, `… and ${total - rows.length} more row(s)`);
      note(
        ctx,
        `${total} row(s) held characters CP932 cannot hold (exit 3): export them with --encoding utf8 (or --bom for Excel), or choose the replacement with --cp932-replace`,
      );
      return true;
    },
  };
}
