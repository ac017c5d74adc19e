/**
 * Shapes shared by the import stages: a validated row, its issues, the steps it takes, and what
 * happened to it. Rows carry metadata only (never picture bytes), so a file of 100,000 persons
 * stays small in memory; pictures are kept aside up to a budget, or read again when they are sent
 * (picture.ts, KeptPictures).
 */
import type { FacetClient } from '../../core/client.js';
import type { WireParams } from '../../core/params/index.js';

/**
 * The part of the FacetClient (src/core/client.ts) an import uses; any FacetClient fits, and unit
 * tests can pass a small fake.
 */
export type ImportClient = Pick<FacetClient, 'call'>;

/** The API actions an import sends, in the order a row takes them. */
export type StepName =
  | 'checkPersonPicture'
  | 'registPersonForCloud'
  | 'registPersonAcessTimeForCloud'
  | 'registPersonCardInfoForCloud'
  | 'toDevice';

/** A picture file named by a row, as validated. */
export interface PictureRef {
  /** Absolute path (the CSV names it relative to its own folder). */
  path: string;
  /** The path as the CSV wrote it, for messages. */
  written: string;
  /** SHA-256 (hex) of the source file's bytes: a changed file is sent again. */
  sha256: string;
  /** Whether --fix-pictures rewrote it (the bytes sent then differ from the file's). */
  fixed: boolean;
}

/** A row that passed validation: everything needed to send it, nothing heavy. */
export interface PersonRow {
  /** Spreadsheet row number: the header is row 1, the first person row 2. */
  row: number;
  personCode: string;
  /** registPersonForCloud wire params, without the picture. */
  person: WireParams;
  picture?: PictureRef;
  /** Devices the person goes to (the row's serialNos, then every --serial). */
  serials: string[];
  /** accessFlag_N/accessTimeFrom_N/accessTimeTo_N wire params, applied on every device; undefined = not given. */
  access?: WireParams;
  /** card_no_N/validityDateFrom_N/validityDateTo_N wire params; undefined = not given. */
  cards?: WireParams;
  /** Hash of everything the row sends: a step journaled under another hash is sent again. */
  rowHash: string;
}

/** One problem with the input, named by its column (or the column family, or `row`). */
export interface RowIssue {
  field: string;
  message: string;
}

export interface InvalidRow {
  row: number;
  personCode?: string;
  /** The devices the row names, so an unknown one can be reported with the rest. */
  serials: string[];
  issues: RowIssue[];
}

export type LineStatus = 'ok' | 'failed' | 'skipped' | 'invalid';

/** One line of the report: a row on one device (or the row alone when it names no device). */
export interface ReportLine {
  row: number;
  personCode: string;
  serialNo: string;
  status: LineStatus;
  /** The step that decided the status (the failing one, or the last one). */
  step: StepName | 'validate' | '';
  /** The API's message verbatim, or ours in English. */
  message: string;
}

/** `row 17, birthday: must be …` — the form every input error takes. */
export function formatIssue(row: number, issue: RowIssue): string {
  return `row ${row}, ${issue.field}: ${issue.message}`;
}
