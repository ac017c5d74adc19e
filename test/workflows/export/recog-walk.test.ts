import { describe, expect, it } from 'vitest';
import {
  newWalkStats,
  type RecogPage,
  type RecogRow,
  walkRecogPages,
} from '../../../src/workflows/export/recog-walk.js';

/** A device's log as the cloud holds it, with a hook that changes it before each page is answered. */
function fakeLog(ids: number[], beforePage?: (pageNo: number, log: FakeLog) => void) {
  const log: FakeLog = {
    rows: ids.map((id) => ({ id, time: `t${id}` }) as RecogRow),
    next: Math.max(0, ...ids) + 1,
    insert(n) {
      for (let i = 0; i < n; i++) this.rows.push({ id: this.next++, time: 'new' });
    },
    remove(pred) {
      this.rows = this.rows.filter((r) => !pred(Number(r.id)));
    },
  };
  let calls = 0;
  const fetchPage = async (pageNo: number): Promise<RecogPage> => {
    beforePage?.(++calls, log);
    const sorted = [...log.rows].sort((a, b) => Number(b.id ?? 1e12) - Number(a.id ?? 1e12));
    const list = sorted.slice((pageNo - 1) * 10, pageNo * 10);
    return { rows: sorted.length, pages: Math.ceil(sorted.length / 10), list };
  };
  return { log, fetchPage };
}
interface FakeLog {
  rows: RecogRow[];
  next: number;
  insert(n: number): void;
  remove(pred: (id: number) => boolean): void;
}

async function collect(fetchPage: (p: number) => Promise<RecogPage>, upperId: number, floorId = 0) {
  const ids: number[] = [];
  const stats = newWalkStats();
  for await (const step of walkRecogPages(fetchPage, { upperId, floorId, pageSize: 10 }, stats)) {
    ids.push(...step.rows.map((r) => Number(r.id)));
  }
  return { ids, stats };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => to - i);

describe('walkRecogPages', () => {
  it('writes every row once when nothing changes', async () => {
    const { fetchPage } = fakeLog(range(1, 95));
    const { ids, stats } = await collect(fetchPage, 95);
    expect(ids).toEqual(range(1, 95));
    expect(stats.pagesRead).toBe(10);
  });

  it('skips repeats when new rows push pages down, and ignores rows above the bound', async () => {
    const { fetchPage } = fakeLog(range(1, 95), (_call, log) => log.insert(3));
    const { ids, stats } = await collect(fetchPage, 95);
    expect(ids).toEqual(range(1, 95));
    expect(stats.duplicatesSkipped).toBeGreaterThan(0);
    expect(stats.aboveBound).toBeGreaterThan(0);
  });

  it('steps back when deletions move unwritten rows onto pages already read', async () => {
    // Before page 3, the 15 newest rows (already written) are deleted: rows shift up by 15.
    const { fetchPage } = fakeLog(range(1, 95), (call, log) => {
      if (call === 3) log.remove((id) => id > 80);
    });
    const { ids, stats } = await collect(fetchPage, 95);
    expect(stats.stepBacks).toBe(1);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(range(1, 95));
  });

  it('without the rows check, the same deletion would lose rows (the check matters)', async () => {
    const { fetchPage } = fakeLog(range(1, 95), (call, log) => {
      if (call === 3) log.remove((id) => id > 80);
    });
    const blind = async (p: number) => {
      const page = await fetchPage(p);
      return { ...page, rows: undefined };
    };
    const { ids } = await collect(blind, 95);
    expect(ids.length).toBeLessThan(95);
  });

  it('stops at the incremental floor', async () => {
    const { fetchPage } = fakeLog(range(1, 95));
    const { ids, stats } = await collect(fetchPage, 95, 62);
    expect(ids).toEqual(range(63, 95));
    expect(stats.pagesRead).toBe(4);
  });

  it('never writes preliminary rows (null id) and reports their times', async () => {
    const { log, fetchPage } = fakeLog(range(1, 30));
    log.rows.push({ id: null, time: '2026/01/01 00:00:00' });
    const { ids, stats } = await collect(fetchPage, 30);
    expect(ids).toEqual(range(1, 30));
    expect(stats.preliminaryTimes).toContain('2026/01/01 00:00:00');
  });

  it('ids given as strings (the document sample) are compared as numbers', async () => {
    const rows = [
      { id: '100', time: 'a' },
      { id: '99', time: 'b' },
      { id: '9', time: 'c' },
    ];
    const fetchPage = async () => ({ rows: 3, pages: 1, list: rows });
    const { ids } = await collect(fetchPage, 100);
    expect(ids).toEqual([100, 99, 9]);
  });
});
