/** `--all`'s walk (src/workflows/export/list-walk.ts) over a list that changes between pages. */
import { describe, expect, it } from 'vitest';
import { facetPaging } from '../../../src/registry/common-params.js';
import { walkListOnce } from '../../../src/workflows/export/list-walk.js';

const paging = { ...facetPaging, keyPath: 'id' };
const SIZE = 10;

/** A newest-first list of ids; `between(pageNo)` runs before each page is answered. */
function cloud(ids: number[], between: (pageNo: number, ids: number[]) => void) {
  return async (pageNo: number) => {
    between(pageNo, ids);
    ids.sort((a, b) => b - a);
    const list = ids.slice((pageNo - 1) * SIZE, pageNo * SIZE).map((id) => ({ id }));
    return { rows: ids.length, pages: Math.ceil(ids.length / SIZE), list };
  };
}

async function collect(fetchPage: (n: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for await (const rows of walkListOnce(fetchPage, paging, SIZE))
    for (const r of rows) out.push((r as { id: number }).id);
  return out;
}

describe('walkListOnce', () => {
  it('rows arriving at the top between pages are not written twice, and none is lost', async () => {
    const start = Array.from({ length: 45 }, (_, i) => i + 1);
    let next = 100;
    const ids = await collect(
      cloud([...start], (pageNo, list) => {
        if (pageNo > 1) list.push(next++, next++, next++);
      }),
    );
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of start) expect(ids).toContain(id);
  });

  it('rows deleted above the current page make it step back, so no row is skipped', async () => {
    const start = Array.from({ length: 45 }, (_, i) => i + 1);
    const ids = await collect(
      cloud([...start], (pageNo, list) => {
        // Before page 3, the 12 newest rows (already written) are deleted: unread rows move up.
        if (pageNo === 3 && list.includes(45)) list.splice(0, list.length, ...list.filter((id) => id <= 33));
      }),
    );
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of start.filter((id) => id <= 33)) expect(ids).toContain(id);
  });

  it('rows without the key are told apart by their whole content', async () => {
    const noKey = { ...facetPaging, keyPath: 'id' };
    const page = {
      rows: 2,
      pages: 1,
      list: [
        { id: null, t: 1 },
        { id: null, t: 2 },
      ],
    };
    const rows: unknown[] = [];
    for await (const r of walkListOnce(async () => page, noKey, SIZE)) rows.push(...r);
    expect(rows).toHaveLength(2);
  });
});
