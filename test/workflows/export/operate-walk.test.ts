import { describe, expect, it } from 'vitest';
import { type OperatePage, type OperateRow, walkOperatePages } from '../../../src/workflows/export/operate-walk.js';

function row(sec: number, sub: string, detail = ''): OperateRow {
  return {
    operateTime: `2026/01/01 00:${String(Math.floor(sec / 60)).padStart(2, '0')}:${String(sec % 60).padStart(2, '0')}`,
    operateUser: 'admin',
    mainType: '操作',
    subType: sub,
    detail,
  };
}

function fakeLog(initial: OperateRow[], beforePage?: (call: number, rows: OperateRow[]) => void) {
  const rows = [...initial];
  let calls = 0;
  return async (pageNo: number): Promise<OperatePage> => {
    beforePage?.(++calls, rows);
    const sorted = [...rows].sort((a, b) =>
      a.operateTime < b.operateTime ? 1 : a.operateTime > b.operateTime ? -1 : 0,
    );
    return {
      rows: sorted.length,
      pages: Math.ceil(sorted.length / 10),
      list: sorted.slice((pageNo - 1) * 10, pageNo * 10),
    };
  };
}

async function collect(
  fetchPage: (p: number) => Promise<OperatePage>,
  upperTime: string,
  floor?: { lastTime: string; keys: string[] },
) {
  const out: OperateRow[] = [];
  const gen = walkOperatePages(fetchPage, { upperTime, floor, pageSize: 10 });
  let r = await gen.next();
  while (!r.done) {
    out.push(...r.value.rows);
    r = await gen.next();
  }
  return { rows: out, stats: r.value };
}

// 45 rows, three per second over 15 seconds, one pair identical inside a second.
const base: OperateRow[] = [];
for (let s = 0; s < 15; s++) for (const sub of ['a', 'b', 'c']) base.push(row(s, sub));
base.push(row(7, 'a'));

describe('walkOperatePages', () => {
  it('writes everything once, identical entries in one page included', async () => {
    const { rows, stats } = await collect(fakeLog(base), row(59, 'x').operateTime);
    expect(rows).toHaveLength(base.length);
    expect(stats.newestTime).toBe(row(14, 'a').operateTime);
    expect(stats.window?.nextMark(undefined)?.keys).toHaveLength(3);
  });

  it('skips repeats when late rows inside the window push pages down', async () => {
    const fetch = fakeLog(base, (call, rows) => {
      if (call > 1) rows.push(row(20, `late${call}`));
    });
    const { rows } = await collect(fetch, row(14, 'z').operateTime);
    expect(rows).toHaveLength(base.length);
  });

  it('continues from the floor: only rows newer than the mark, or new keys in its second', async () => {
    const floor = { lastTime: row(10, 'a').operateTime, keys: [] as string[] };
    const first = await collect(
      fakeLog(base.filter((r) => r.operateTime <= floor.lastTime && r.subType !== 'c')),
      row(59, 'x').operateTime,
    );
    const mark = first.stats.window?.nextMark(undefined);
    const second = await collect(fakeLog(base), row(59, 'x').operateTime, mark);
    // second 10 had a and b exported; c is new in that second, then seconds 11–14 (12 rows).
    expect(second.rows.map((r) => `${r.operateTime.slice(-2)}${r.subType}`)).toEqual([
      '14a',
      '14b',
      '14c',
      '13a',
      '13b',
      '13c',
      '12a',
      '12b',
      '12c',
      '11a',
      '11b',
      '11c',
      '10c',
    ]);
  });
});
