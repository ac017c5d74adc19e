/**
 * Strings from the APIs are data, never instructions: a person's name, an API message or a memo may
 * hold what a terminal or a spreadsheet would act on. This module is the one place that says which
 * characters those are; the table renderer, every stderr line and every CSV writer go through it.
 */

/**
 * C0 controls but tab and line feed (ESC starts ANSI/OSC sequences, CR overwrites a line, BEL, BS),
 * DEL, C1 controls (U+009B is a one-character CSI) and the bidirectional overrides/isolates that
 * reorder what is shown (U+200E/F, U+202A–U+202E, U+2066–U+2069).
 */
const TERMINAL_UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function escapeChar(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` made inert for a terminal: each unsafe character (see TERMINAL_UNSAFE) becomes its visible
 * escape, `\x1b`, `\x0d`, `\u202e`. Tabs, line feeds and every printable character (Japanese
 * included) are kept. Used for tables and every line written to stderr.
 */
export function terminalSafe(text: string): string {
  return text.replace(TERMINAL_UNSAFE, escapeChar);
}

/** `--csv-formulas`: `escape` neutralises cells a spreadsheet would run, `keep` writes them as they are. */
export type CsvFormulas = 'escape' | 'keep';
export const CSV_FORMULAS: readonly CsvFormulas[] = ['escape', 'keep'];

/**
 * Whether a CSV neutralises formula cells (OWASP "CSV Injection": a cell starting with `=`, `+`,
 * `-`, `@`, tab or CR, and the full-width `＝＋－＠`, gets a leading `'`; numbers stay numbers). The
 * flag decides when given; otherwise a CSV made for a spreadsheet (a UTF-8 BOM or CP932, which only
 * Excel needs) is escaped and a plain UTF-8 CSV (for programs) is not. The escaping itself is
 * csv-stringify's `escape_formulas`.
 */
export function escapeCsvFormulas(choice: CsvFormulas | undefined, forSpreadsheet: boolean): boolean {
  return choice === undefined ? forSpreadsheet : choice === 'escape';
}
