/**
 * The page memo (src/emulator/page-memo.ts): recognition-log pages read from remembered rows answer
 * exactly what the plain `ORDER BY id DESC LIMIT n OFFSET k` query answers, in every order of page
 * requests (sequential, reversed, random, 8 in flight out of order), with a time window and a person
 * filter, and with inserts, deletes and synchronisations between pages; sequential and in-flight
 * paging is actually served from remembered rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom, shuffled } from '../../src/core/seeded-random.js';
import { PageMemo, type PageStart, setPageMemo } from '../../src/emulator/page-memo.js';
import {
  countRecog,
  deleteRecogIds,
  insertRecog,
  insertRecogBulk,
  insertRecogGenerated,
  type NewRecog,
  pageRecog,
  type RecogFilter,
  type RecogRow,
  syncPending,
} from '../../src/emulator/recog-logs.js';
import { type Db, openDb, resetState, stmt } from '../../src/emulator/store.js';

const START = 1_700_000_000;
const SPAN = 30 * 86400;
const PEOPLE = [
  { code: 'P1', name: 'One' },
  { code: 'P2', name: 'Two' },
  { code: 'P3', name: 'Three' },
];

function row(serial: string, time: number, person: string | null): NewRecog {
  return {
    serial,
    time,
    person_code: person,
    person_name: person,
    picture_id: 1,
    mask: 0,
    temp: null,
    pass: 1,
    score: 90,
    pass_flag_name: null,
    access_type: 'Face',
    card_no: null,
    card_type: null,
    card_bind_code: null,
    card_bind_name: null,
    person_type_code: null,
  };
}

/** The reference: the plain OFFSET query, written here independently of src/. */
function reference(db: Db, f: RecogFilter, offset: number, limit: number): { total: number; rows: RecogRow[] } {
  const parts = ['serial = ?'];
  const args: (string | number)[] = [f.serial];
  if (f.personCode !== undefined) parts.push('person_code = ?') && args.push(f.personCode);
  if (f.from !== undefined) parts.push('time >= ?') && args.push(f.from);
  if (f.to !== undefined) parts.push('time <= ?') && args.push(f.to);
  const where = parts.join(' AND ');
  const total = (db.prepare(`SELECT COUNT(*) AS n FROM recog_logs WHERE ${where}`).get(...args) as { n: number }).n;
  const rows = db
    .prepare(`SELECT * FROM recog_logs WHERE ${where} ORDER BY id DESC LIMIT ? OFFSET ?`)
    .all(...args, limit, offset) as RecogRow[];
  return { total, rows };
}

const FILTERS: [string, Omit<RecogFilter, 'serial'>][] = [
  ['no filter', {}],
  ['a time window', { from: START + 5 * 86400, to: START + 20 * 86400 }],
  ['from only', { from: START + 12 * 86400 }],
  ['a person', { personCode: 'P2' }],
  ['a person in a window', { personCode: 'P1', from: START + 3 * 86400, to: START + 25 * 86400 }],
];

const LIMIT = 37;

let db: Db;
let random: () => number;

beforeAll(async () => {
  db = await openDb();
  random = seededRandom(12);
});
afterAll(() => db.close());

/** Two devices: ORD (ids and times grow together: windows become id ranges) and MIX (times shuffled). */
function fill(): void {
  resetState(db);
  insertRecogGenerated(db, { serial: 'ORD', count: 3000, start: START, span: SPAN, pictureId: 1, people: PEOPLE });
  const times = shuffled(
    Array.from({ length: 2500 }, (_, i) => START + Math.floor((i * SPAN) / 2500)),
    random,
  );
  insertRecogBulk(db, 'MIX', times.length, (i) => row('MIX', times[i], i % 4 === 3 ? null : PEOPLE[i % 3].code));
}

/** Page numbers (0-based) in the order an export with 8 pages in flight might see them answered. */
function inFlight(pages: number): number[] {
  const out: number[] = [];
  for (let p = 0; p < pages; p += 8)
    out.push(
      ...shuffled(
        Array.from({ length: Math.min(8, pages - p) }, (_, i) => p + i),
        random,
      ),
    );
  return out;
}

const ORDERS: [string, (pages: number) => number[]][] = [
  ['sequential', (n) => Array.from({ length: n }, (_, i) => i)],
  ['reversed', (n) => Array.from({ length: n }, (_, i) => n - 1 - i)],
  [
    'random',
    (n) =>
      shuffled(
        Array.from({ length: n }, (_, i) => i),
        random,
      ),
  ],
  ['8 in flight, out of order', inFlight],
];

/** One page through pageRecog (memo on), checked against the reference; returns where it was read from. */
function checkPage(f: RecogFilter, page: number): PageStart<number> | undefined {
  const want = reference(db, f, page * LIMIT, LIMIT);
  const total = countRecog(db, f);
  expect(total).toBe(want.total);
  let start: PageStart<number> | undefined;
  const got = pageRecog(db, f, page * LIMIT, LIMIT, total, (s) => {
    start = s;
  });
  expect(got.map((r) => r.id)).toEqual(want.rows.map((r) => r.id));
  expect(got).toEqual(want.rows);
  return start;
}

describe('recognition-log pages with the memo equal the plain OFFSET query', () => {
  for (const serial of ['ORD', 'MIX']) {
    for (const [filterName, filter] of FILTERS) {
      for (const [orderName, order] of ORDERS) {
        it(`${serial}, ${filterName}, ${orderName}`, () => {
          fill();
          const f = { serial, ...filter };
          const pages = Math.ceil(countRecog(db, f) / LIMIT);
          expect(pages).toBeGreaterThan(5);
          for (const page of order(pages)) checkPage(f, page);
        });
      }
    }
  }

  it('with inserts, deletes, synchronised pending logs and a reset between pages', () => {
    for (const serial of ['ORD', 'MIX']) {
      for (const [, filter] of FILTERS) {
        fill();
        const f = { serial, ...filter };
        let step = 0;
        for (const page of inFlight(Math.ceil(countRecog(db, f) / LIMIT) + 3)) {
          checkPage(f, page);
          step++;
          const what = step % 6;
          if (what === 1) insertRecog(db, row(serial, START + SPAN + step, PEOPLE[step % 3].code));
          if (what === 2) insertRecog(db, row(serial, START + 10 * 86400 + step, 'P1'));
          if (what === 3) {
            const ids = reference(db, f, page * LIMIT, 5).rows.map((r) => r.id);
            deleteRecogIds(db, serial, ids);
            // As many new rows as deleted ones: the count alone would not tell the memo is stale.
            for (const _ of ids) insertRecog(db, row(serial, START + 10 * 86400 + step, 'P1'));
          }
          if (what === 4) {
            insertRecog(db, row(serial, START + SPAN + 100 + step, 'P2'), true);
            insertRecog(db, row(serial, START + 6 * 86400, 'P1'), true);
            syncPending(db, serial, 100);
          }
          // A write to another device leaves this device's memo valid, and the answers right.
          if (what === 5) insertRecog(db, row(serial === 'ORD' ? 'MIX' : 'ORD', START + SPAN + step, 'P1'));
          // Pages asked again after the write: the memo of before must not answer them.
          checkPage(f, page);
          checkPage(f, Math.max(0, page - 1));
        }
        resetState(db);
        insertRecogGenerated(db, { serial, count: 500, start: START, span: SPAN, pictureId: 1, people: PEOPLE });
        for (let page = 0; page * LIMIT < countRecog(db, f); page++) checkPage(f, page);
      }
    }
  });

  it("a page read from a remembered row reads the rows' current contents", () => {
    fill();
    const f = { serial: 'ORD' };
    checkPage(f, 10);
    stmt(db, 'UPDATE recog_logs SET pass_flag_name = ? WHERE id % 7 = 0').run('x');
    // The rows' contents changed (not their order): an answer from the memo still reads them anew.
    expect(checkPage(f, 10)).toBeDefined();
  });
});

describe('which row a page is read from', () => {
  it('sequential pages and 8 pages in flight seek from a remembered row, a few rows away at most', () => {
    fill();
    for (const [, filter] of FILTERS) {
      const f = { serial: 'MIX', ...filter };
      const pages = Math.ceil(countRecog(db, f) / LIMIT);
      const starts = Array.from({ length: pages }, (_, p) => checkPage(f, p)!);
      for (const s of starts.slice(1, -1)) {
        if (s.from === 'first' || s.from === 'last') expect(s.skip).toBeLessThanOrEqual(LIMIT);
        else expect(s).toMatchObject({ from: 'below', skip: 1 });
      }
      const order = inFlight(pages);
      for (const [i, p] of order.entries()) {
        const s = checkPage({ ...f, from: f.from ?? START - 1 }, p)!;
        if (i >= 8) expect(s.skip).toBeLessThanOrEqual(8 * LIMIT);
      }
    }
  });

  it('a write to the device makes the next page start from an end of the list again', () => {
    fill();
    const f = { serial: 'ORD' };
    const pages = Math.ceil(countRecog(db, f) / LIMIT);
    for (let p = 0; p < pages / 2; p++) checkPage(f, p);
    expect(checkPage(f, Math.floor(pages / 2))).toMatchObject({ from: 'below', skip: 1 });
    insertRecog(db, row('ORD', START + SPAN + 1, 'P1'));
    expect(checkPage(f, Math.floor(pages / 2) + 1)?.from).toMatch(/^(first|last)$/);
  });

  it('switched off, every page runs the plain query from the nearer end', () => {
    fill();
    setPageMemo(db, false);
    try {
      const f = { serial: 'ORD', personCode: 'P3' };
      const pages = Math.ceil(countRecog(db, f) / LIMIT);
      for (let p = 0; p < pages; p++) expect(checkPage(f, p)?.from).toMatch(/^(first|last)$/);
    } finally {
      setPageMemo(db, true);
    }
  });
});

describe('PageMemo', () => {
  it('chooses the smallest skip, forgets a shape whose version or total changed, and stays bounded', () => {
    const memo = new PageMemo<number>();
    expect(memo.start('s', 1, 1000, 0, 100)).toEqual({ from: 'first', skip: 0 });
    expect(memo.start('s', 1, 1000, 800, 100)).toEqual({ from: 'last', skip: 100 });
    memo.note('s', 1, 1000, 299, 5001);
    memo.note('s', 1, 1000, 500, 4800);
    expect(memo.start('s', 1, 1000, 300, 100)).toEqual({ from: 'below', key: 5001, skip: 1 });
    expect(memo.start('s', 1, 1000, 400, 100)).toEqual({ from: 'above', key: 4800, skip: 1 });
    expect(memo.start('s', 2, 1000, 300, 100)).toEqual({ from: 'first', skip: 300 });
    memo.note('s', 1, 1000, 299, 5001);
    expect(memo.start('s', 1, 999, 300, 100)).toEqual({ from: 'first', skip: 300 });
    for (let i = 0; i < 1000; i++) memo.note('s', 1, 100_000, i * 10, i);
    // Only the most recent marks are kept: an old one no longer answers.
    expect(memo.start('s', 1, 100_000, 0, 10)).toEqual({ from: 'first', skip: 0 });
    expect(memo.start('s', 1, 100_000, 9990, 10)).toEqual({ from: 'below', key: 999, skip: 0 });
    expect(memo.start('s', 1, 100_000, 20, 10)).toEqual({ from: 'first', skip: 20 });
  });
});
