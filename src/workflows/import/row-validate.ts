/**
 * One CSV record → a validated PersonRow or its issues. Every field goes through the same params
 * module the CLI and the emulator use (coerceParams against the registry), so a limit is the same
 * whether a person comes from a flag, a CSV cell or the emulator's own check.
 */
import { createHash } from 'node:crypto';
import { coerceParams, type ParamIssue, type WireParams } from '../../core/params/index.js';
import type { ColumnMap } from './columns.js';
import { SERIALS_COLUMN } from './columns.js';
import type { CsvRecord } from './csv-records.js';
import { importEndpoints } from './endpoints.js';
import { preparePicture } from './picture.js';
import { createPictureResolver } from './picture-path.js';
import type { PersonRow, PictureRef, RowIssue } from './types.js';

export interface RowValidationOptions {
  /** Folder the picture paths are relative to (the CSV's). */
  baseDir: string;
  /** --serial, added to every row. */
  extraSerials: readonly string[];
  fixPictures: boolean;
  now: Date;
  /** The cloud's IANA zone that date cells are read in (default Asia/Tokyo). */
  zone?: string;
  /** Told the picture bytes of each valid row (what will be sent), to keep them for sending. */
  keepPicture?: (ref: PictureRef, bytes: Buffer) => void;
  /** Picture paths as written on Windows/macOS → the file (shared folder listings; see picture-path.ts). */
  resolvePicture?: ReturnType<typeof createPictureResolver>;
  /** false: pictures get the cheap checks only, no decode (see preparePicture). Default true. */
  decodePictures?: boolean;
  /** true: decode every picture, even one whose markers show it whole (no cloud check follows: --no-remote-check). */
  alwaysDecode?: boolean;
}

export type RowValidation =
  | { ok: true; row: PersonRow }
  | { ok: false; personCode?: string; serials: string[]; issues: RowIssue[] };

/** A parameter issue as a row issue: the column is the parameter (the message never repeats it). */
function fromParamIssue(i: ParamIssue): RowIssue {
  return { field: i.name, message: i.message };
}

/** `A;B` (a quoted `A,B` or `A B` is read the same: serial numbers hold none of these). */
export function splitSerials(cell: string): string[] {
  return cell
    .split(/[;,\s]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function dedupe(list: readonly string[]): string[] {
  return [...new Set(list)];
}

function nonEmpty(wire: WireParams): WireParams {
  const out: WireParams = {};
  for (const k of Object.keys(wire).sort()) if (wire[k] !== '') out[k] = wire[k];
  return out;
}

interface Cells {
  person: Record<string, string>;
  access: Record<string, string>;
  cards: Record<string, string>;
  picture: string;
  serials: string;
}

function cellsOf(record: CsvRecord, columns: ColumnMap): Cells {
  const cells: Cells = { person: {}, access: {}, cards: {}, picture: '', serials: '' };
  columns.kinds.forEach((kind, i) => {
    const value = (record.fields[i] ?? '').trim();
    const name = columns.names[i];
    if (kind === 'person') {
      if (value !== '') cells.person[name] = value;
    } else if (kind === 'access') {
      if (value !== '') cells.access[name] = value;
    } else if (kind === 'card') {
      if (value !== '') cells.cards[name] = value;
    } else if (kind === 'picture') cells.picture = value;
    else if (kind === 'serials') cells.serials = value;
  });
  return cells;
}

/** Issues of a family endpoint, without those about personCode/serialNo (checked with the person). */
function familyIssues(issues: ParamIssue[]): RowIssue[] {
  return issues.filter((i) => i.name !== 'personCode' && i.name !== 'serialNo').map(fromParamIssue);
}

export function rowHash(parts: {
  person: WireParams;
  picture?: PictureRef;
  access?: WireParams;
  cards?: WireParams;
}): string {
  const text = JSON.stringify([
    parts.person,
    parts.picture ? [parts.picture.sha256, parts.picture.fixed] : null,
    parts.access ?? null,
    parts.cards ?? null,
  ]);
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * The half-width form of a code typed with full-width ASCII letters, digits or signs (U+FF01–U+FF5E,
 * and the ideographic space), or undefined when it holds none. The cloud takes any string as a
 * personCode, so `Ｄ０００１` would be a second person beside `D0001`; in a spreadsheet of a Japanese
 * site it is an IME slip, refused like full-width digits in the other columns.
 */
export function halfWidthCode(code: string): string | undefined {
  if (!/[\uFF01-\uFF5E\u3000]/.test(code)) return undefined;
  return code.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

export async function validateRecord(
  record: CsvRecord,
  columns: ColumnMap,
  opts: RowValidationOptions,
): Promise<RowValidation> {
  const eps = importEndpoints();
  const cells = cellsOf(record, columns);
  const issues: RowIssue[] = [];
  const personCode = cells.person.personCode;

  let picture: PictureRef | undefined;
  let pictureBytes: Buffer | undefined;
  if (cells.picture !== '') {
    const found = await (opts.resolvePicture ?? createPictureResolver())(opts.baseDir, cells.picture);
    const path = found.ok ? found.path : '';
    const maxBase64 = eps.regist.params.picture?.maxBytes ?? Number.POSITIVE_INFINITY;
    const got = found.ok
      ? await preparePicture(path, cells.picture, {
          fix: opts.fixPictures,
          maxBase64,
          decode: opts.decodePictures,
          alwaysDecode: opts.alwaysDecode,
        })
      : { ok: false as const, message: found.message };
    if (got.ok) {
      pictureBytes = got.picture.bytes;
      picture = { path, written: cells.picture, sha256: got.picture.sha256, fixed: got.picture.fixed };
    } else {
      issues.push({ field: 'picture', message: got.message });
    }
  }

  const person = coerceParams(
    eps.regist,
    { ...cells.person, picture: pictureBytes },
    { now: opts.now, zone: opts.zone },
  );
  for (const i of person.issues) {
    // A named picture that failed its own check was reported above; the "one of" rule would repeat it.
    if (i.code === 'oneOf') {
      if (cells.picture === '') {
        issues.push({ field: 'picture', message: 'is required: a JPEG file (or recogLogSerialNo and recogLogId)' });
      }
      continue;
    }
    issues.push(fromParamIssue(i));
  }
  const { picture: _sent, ...personWire } = person.wire;
  const halfWidth = personCode === undefined ? undefined : halfWidthCode(personCode);
  if (personCode !== undefined && halfWidth !== undefined) {
    issues.push({
      field: 'personCode',
      message: `'${personCode}' holds full-width letters or digits (typed with the IME on?), which the cloud would keep as another code than '${halfWidth}': write it half-width`,
    });
  }

  const serials = dedupe([...splitSerials(cells.serials), ...opts.extraSerials]);
  if (serials.length > 0 && !personWire.personName) {
    issues.push({
      field: 'personName',
      message: 'is required to register the person on a device (toDevice needs a name)',
    });
  }

  let access: WireParams | undefined;
  if (Object.keys(cells.access).length > 0) {
    if (serials.length === 0) {
      issues.push({
        field: SERIALS_COLUMN,
        message: 'access times are given but the row names no device (serialNos column or --serial)',
      });
    }
    const got = coerceParams(
      eps.access,
      { personCode: personCode ?? 'x', serialNo: serials[0] ?? 'x', ...cells.access },
      { now: opts.now, zone: opts.zone },
    );
    issues.push(...familyIssues(got.issues));
    const { personCode: _p, serialNo: _s, ...members } = got.wire;
    access = nonEmpty(members);
  }

  let cards: WireParams | undefined;
  if (Object.keys(cells.cards).length > 0) {
    const got = coerceParams(
      eps.cards,
      { personCode: personCode ?? 'x', ...cells.cards },
      { now: opts.now, zone: opts.zone },
    );
    issues.push(...familyIssues(got.issues));
    const { personCode: _p, ...members } = got.wire;
    cards = nonEmpty(members);
  }

  if (issues.length > 0) return { ok: false, personCode, serials, issues };
  // Only a valid row's picture is kept: an invalid row never sends it.
  if (picture && pictureBytes) opts.keepPicture?.(picture, pictureBytes);
  const wire = nonEmpty(personWire);
  return {
    ok: true,
    row: {
      row: record.row,
      personCode: wire.personCode,
      person: wire,
      picture,
      serials,
      access,
      cards,
      rowHash: rowHash({ person: wire, picture, access, cards }),
    },
  };
}

/** The row hash for one cloud: a journal written while importing into another cloud does not count. */
export function hashForTarget(rowHash: string, target: string): string {
  return createHash('sha256').update(`${target}\n${rowHash}`).digest('hex').slice(0, 16);
}
