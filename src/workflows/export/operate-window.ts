/**
 * The overlap window of incremental operation-log exports (issue 9 §1: device clocks are wrong).
 *
 * Operation logs have no id: a row is known by a content hash of its fields. The document says log
 * times come from each device's own clock, so a row can reach the cloud *after* a run with a time
 * *before* that run's mark. Each run therefore re-reads from `windowFrom` (about `lastTime − overlap`,
 * default 10 minutes, `--overlap` widens it) and skips the rows whose keys the state remembers; a row
 * in the window with an unknown key is a late row, written once and then remembered. The keys kept
 * are those of rows written in `[windowFrom, lastTime]` (a multiset: two identical entries are two
 * rows), pruned as the window moves and bounded by {@link MAX_WINDOW_KEYS}.
 *
 * Rows that arrive later than the window can cover cannot be told from rows already written; they are
 * counted instead: the mark keeps `rowsBefore`, how many rows the cloud held before `windowFrom`,
 * and the next run compares it with the cloud's count (see log-export.ts).
 */
import { createHash } from 'node:crypto';
import type { OperateMark } from './export-state.js';

/** The default overlap: how far before the mark each run reads again (`--overlap`). */
export const DEFAULT_OVERLAP_MS = 10 * 60_000;

/** Keys kept per device at most; beyond it the oldest seconds leave the window (a note says so). */
export const MAX_WINDOW_KEYS = 20_000;

/** The fields that identify an operation log row (it has no id). */
export interface OperateKeyFields {
  operateTime: string;
  operateUser?: string | null;
  mainType?: string | null;
  subType?: string | null;
  detail?: string | null;
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}

/**
 * A row's key: `<operateTime>#<hash>`, the time first so that keys sort, and prune, by time. The
 * hash covers operateTime, operateUser, mainType, subType and detail (128 bits of SHA-256).
 */
export function operateKey(row: OperateKeyFields): string {
  const time = String(row.operateTime);
  const json = JSON.stringify([
    time,
    row.operateUser ?? null,
    row.mainType ?? null,
    row.subType ?? null,
    row.detail ?? null,
  ]);
  return `${time}#${digest(json)}`;
}

/**
 * A key written by an earlier facetctl (the fields' JSON array) in today's form; today's keys are
 * returned as they are. Undefined when the text is neither (a damaged state file).
 */
export function migrateOperateKey(key: string): string | undefined {
  if (!key.startsWith('[')) return key.includes('#') ? key : undefined;
  try {
    const fields = JSON.parse(key) as unknown;
    if (!Array.isArray(fields) || typeof fields[0] !== 'string') return undefined;
    return `${fields[0]}#${digest(key)}`;
  } catch {
    return undefined;
  }
}

/** The wire time (`YYYY/MM/DD HH:MI:SS`) a key was made from. */
export function keyTime(key: string): string {
  const i = key.indexOf('#');
  return i < 0 ? key : key.slice(0, i);
}

/**
 * What one walk of one device learns for the next mark: which rows the state already holds
 * (`isKnown`), the rows written (`add`), and from them the next mark (`nextMark`).
 *
 * `windowStart(lastTime)` is the wire time `overlap` before `lastTime` (the caller knows the zone);
 * without it the window is the last second only (what `watch tail` keeps).
 */
export class OperateWindow {
  /** The first second read again: rows before it are not this walk's. */
  readonly floorFrom: string | undefined;
  /** Rows written this run that were dated at or before the previous mark (they came late). */
  late = 0;
  /** Rows the state already held (skipped). */
  known = 0;
  /** Oldest seconds dropped because the window held more than `cap` keys. */
  capped = false;
  private readonly previous: OperateMark | undefined;
  private readonly remaining = new Map<string, number>();
  /** Old marks kept keys as a set: a match skips every copy. */
  private readonly consume: boolean;
  private readonly matched = new Map<string, number>();
  private lastTime: string | undefined;
  private cut: string | undefined;
  /** Keys (with counts) of rows with time ≥ cut: the next mark's keys. */
  private readonly keys = new Map<string, number>();
  /** Rows this walk read (written or known) by second, for seconds ≥ cut; `below` counts the rest. */
  private readonly perSecond = new Map<string, number>();
  private below = 0;

  constructor(
    previous: OperateMark | undefined,
    private readonly windowStart: ((lastTime: string) => string) | undefined,
    private readonly cap = MAX_WINDOW_KEYS,
  ) {
    this.previous = previous;
    this.consume = previous?.windowFrom !== undefined;
    this.floorFrom = previous ? (previous.windowFrom ?? previous.lastTime) : undefined;
    this.lastTime = previous?.lastTime;
    for (const given of previous?.keys ?? []) {
      const k = migrateOperateKey(given);
      if (k === undefined) continue;
      this.remaining.set(k, (this.remaining.get(k) ?? 0) + 1);
      this.keys.set(k, (this.keys.get(k) ?? 0) + 1);
    }
    this.moveCut();
  }

  /** Whether the state already holds this row (an earlier run wrote it): skip it. */
  isKnown(key: string): boolean {
    const n = this.remaining.get(key) ?? 0;
    if (n === 0) return false;
    if (this.consume) this.remaining.set(key, n - 1);
    else {
      // An old mark's set: as many copies as the cloud shows were written (all were skipped).
      const matched = (this.matched.get(key) ?? 0) + 1;
      this.matched.set(key, matched);
      if (matched > (this.keys.get(key) ?? 0) && this.keys.has(key)) this.keys.set(key, matched);
    }
    this.known++;
    this.count(keyTime(key));
    return true;
  }

  /** A row written by this walk (`key` may be omitted when {@link needsKey} said no). */
  add(time: string, key: string | undefined): void {
    if (this.previous && time <= this.previous.lastTime) this.late++;
    if (this.lastTime === undefined || time > this.lastTime) {
      this.lastTime = time;
      this.moveCut();
    }
    this.count(time);
    if (key === undefined || (this.cut !== undefined && time < this.cut)) return;
    this.keys.set(key, (this.keys.get(key) ?? 0) + 1);
  }

  /**
   * Whether a row of this time needs its key: it may be known (dated at or before the previous mark)
   * or will be remembered (in the window). Rows below both are only counted: hashing every row of a
   * first export of millions would be wasted work.
   */
  needsKey(time: string): boolean {
    if (this.previous && time <= this.previous.lastTime) return true;
    return this.cut === undefined || time >= this.cut;
  }

  private count(time: string): void {
    if (this.cut !== undefined && time < this.cut) this.below++;
    else this.perSecond.set(time, (this.perSecond.get(time) ?? 0) + 1);
  }

  private moveCut(): void {
    if (this.lastTime === undefined) return;
    let cut = this.windowStart ? this.windowStart(this.lastTime) : this.lastTime;
    if (this.floorFrom !== undefined && cut < this.floorFrom) cut = this.floorFrom;
    if (this.cut !== undefined && cut <= this.cut) return;
    this.cut = cut;
    this.prune();
  }

  private prune(): void {
    const cut = this.cut;
    if (cut === undefined) return;
    for (const k of this.keys.keys()) if (keyTime(k) < cut) this.keys.delete(k);
    for (const [t, n] of this.perSecond) {
      if (t < cut) {
        this.below += n;
        this.perSecond.delete(t);
      }
    }
  }

  /** Keeps at most `cap` keys by moving the cut up a whole second at a time. */
  private enforceCap(): void {
    let total = 0;
    for (const n of this.keys.values()) total += n;
    if (total <= this.cap) return;
    const bySecond = new Map<string, number>();
    for (const [k, n] of this.keys) bySecond.set(keyTime(k), (bySecond.get(keyTime(k)) ?? 0) + n);
    const seconds = [...bySecond.keys()].sort();
    let i = 0;
    while (i < seconds.length - 1 && total > this.cap) total -= bySecond.get(seconds[i++]) ?? 0;
    this.cut = seconds[i];
    this.capped = true;
    this.prune();
  }

  /**
   * The next mark (undefined when there was none and nothing was written); an old-format mark comes
   * back in today's form. `rowsBeforeFloor` is the cloud's
   * count of rows before `floorFrom` (undefined when unknown): the mark's `rowsBefore` adds the rows
   * this walk read between `floorFrom` and the new `windowFrom`.
   */
  nextMark(rowsBeforeFloor: number | undefined): OperateMark | undefined {
    if (this.lastTime === undefined) return undefined;
    this.enforceCap();
    const keys: string[] = [];
    for (const [k, n] of this.keys) for (let i = 0; i < n; i++) keys.push(k);
    keys.sort();
    const mark: OperateMark = { lastTime: this.lastTime, keys, windowFrom: this.cut ?? this.lastTime };
    if (rowsBeforeFloor !== undefined) mark.rowsBefore = rowsBeforeFloor + this.below;
    return mark;
  }
}
