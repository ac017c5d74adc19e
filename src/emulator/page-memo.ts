/**
 * A small memo of page boundaries, so that paging through a million logs costs O(log n) a page
 * instead of O(offset) (`LIMIT n OFFSET k` walks k index entries).
 *
 * For one query shape (device + filters, as a string) it remembers "the row at position `offset` of
 * the list has key `key`" for the first and the last row of the pages it recently answered. A page is
 * then read from the nearest remembered row with a keyset seek (`key <= B ORDER BY key DESC LIMIT n
 * OFFSET (offset − k)`, or upwards from a row after the page), which answers exactly what the plain
 * OFFSET query answers as long as the data did not change; the memo of a shape is dropped as soon as
 * the device's log version (store.ts `logVersion`, moved by every writer) or the row count differs.
 *
 * Which boundaries: the first and last row of each of the last {@link MARKS_PER_SHAPE} pages of a
 * shape. The export keeps 8 pages in flight, out of order: any page it asks is then at most a few
 * pages away from a remembered row, whichever order they arrive in; a lone deep page still falls
 * back to the plain query from the nearer end of the list.
 */
import type { Db } from './store.js';

/** Remembered rows per query shape (two per page answered: its first and its last). */
export const MARKS_PER_SHAPE = 64;
/** Query shapes remembered per database (the least recently used is dropped). */
export const SHAPES = 32;

interface Shape<K> {
  version: number;
  total: number;
  /** position in the list (0 = first row of page 1) → the row's key; insertion order = age. */
  marks: Map<number, K>;
}

/** Where to start reading a page: `skip` rows from the start (`dir` 'first') or from a remembered row. */
export type PageStart<K> =
  | { from: 'first'; skip: number }
  | { from: 'last'; skip: number }
  | { from: 'below'; key: K; skip: number }
  | { from: 'above'; key: K; skip: number };

export class PageMemo<K> {
  private readonly shapes = new Map<string, Shape<K>>();

  /**
   * The cheapest start for rows `[offset, offset + take)` of a list of `total` rows (offset < total,
   * take ≥ 1, offset + take ≤ total): from the first row (skip `offset`), from the last row upwards
   * (skip `total − offset − take`), from a remembered row at or before `offset` ('below': read
   * downwards from it, key included, skip `offset − k`), or from one at or after the page's last row
   * ('above': read upwards from it, key included, skip `k − (offset + take − 1)`).
   */
  start(shape: string, version: number, total: number, offset: number, take: number): PageStart<K> {
    let best: PageStart<K> =
      offset <= total - offset - take ? { from: 'first', skip: offset } : { from: 'last', skip: total - offset - take };
    const s = this.valid(shape, version, total);
    if (!s) return best;
    const lastRow = offset + take - 1;
    for (const [k, key] of s.marks) {
      if (k <= offset && offset - k < best.skip) best = { from: 'below', key, skip: offset - k };
      else if (k >= lastRow && k - lastRow < best.skip) best = { from: 'above', key, skip: k - lastRow };
    }
    return best;
  }

  /** Remembers that the row at position `offset` has `key` (for the shape at this version and total). */
  note(shape: string, version: number, total: number, offset: number, key: K): void {
    let s = this.valid(shape, version, total);
    if (!s) {
      s = { version, total, marks: new Map() };
      this.shapes.set(shape, s);
      if (this.shapes.size > SHAPES) this.shapes.delete(this.shapes.keys().next().value as string);
    }
    s.marks.delete(offset);
    s.marks.set(offset, key);
    if (s.marks.size > MARKS_PER_SHAPE) s.marks.delete(s.marks.keys().next().value as number);
  }

  /** The shape's memo when it still describes the data (same version and row count), most recent first. */
  private valid(shape: string, version: number, total: number): Shape<K> | undefined {
    const s = this.shapes.get(shape);
    if (!s) return undefined;
    this.shapes.delete(shape);
    if (s.version !== version || s.total !== total) return undefined;
    this.shapes.set(shape, s);
    return s;
  }
}

const memos = new WeakMap<Db, { enabled: boolean; byFamily: Map<string, PageMemo<unknown>> }>();

/**
 * The database's page memo for one list (`'recog'`, `'operate'`), or undefined when switched off
 * with {@link setPageMemo} (every page then runs the plain OFFSET query: the "before" of
 * bench/emulator-pages.ts and the reference of test/emulator/page-memo.test.ts).
 */
export function pageMemo<K>(db: Db, list: string): PageMemo<K> | undefined {
  let m = memos.get(db);
  if (!m) {
    m = { enabled: true, byFamily: new Map() };
    memos.set(db, m);
  }
  if (!m.enabled) return undefined;
  let memo = m.byFamily.get(list);
  if (!memo) {
    memo = new PageMemo<unknown>();
    m.byFamily.set(list, memo);
  }
  return memo as PageMemo<K>;
}

/** Switches the database's page memos on (the default) or off (`startEmulator({ pageMemo: false })`). */
export function setPageMemo(db: Db, enabled: boolean): void {
  memos.set(db, { enabled, byFamily: new Map() });
}
