/**
 * Several pages in flight (page-rounds.ts) under the recognition walk: answers out of order while
 * rows arrive at the top and older rows are deleted below. The emulator answers requests in the order
 * they come and cannot hold one back, so this fake cloud answers the requests in flight newest first
 * (the order that can lose rows) and changes its log between two answers. The export against the
 * emulator while rows arrive is in log-export.test.ts.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../src/core/seeded-random.js';
import { pageRounds } from '../../../src/workflows/export/page-rounds.js';
import { newWalkStats, type RecogPage, walkRecogPages } from '../../../src/workflows/export/recog-walk.js';

const PAGE = 10;

/**
 * A device log (ids, newest first) behind a cloud that holds every request until the event loop is
 * idle, then answers the one asked for *last* first; before each answer, `change` may alter the log.
 */
type Change = (log: number[], remove: (id: number) => void, next: () => number) => void;

function lifoCloud(count: number, change: Change) {
  let log = Array.from({ length: count }, (_, i) => count - i);
  let top = count;
  const deleted = new Set<number>();
  const held: (() => void)[] = [];
  let running = 0;
  let maxRunning = 0;
  let witnessRunning = 0;
  let maxWitness = 0;
  let scheduled = false;
  const answerLater = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      const next = held.pop();
      if (!next) return;
      const before = log.length;
      change(
        log,
        (id) => deleted.add(id),
        () => ++top,
      );
      if (log.length < before - 1) throw new Error('one deletion an answer at most');
      next();
      if (held.length > 0) answerLater();
    });
  };
  const hold = <T>(make: () => T): Promise<T> =>
    new Promise((resolve) => {
      held.push(() => resolve(make()));
      answerLater();
    });
  let calls = 0;
  const fetchPage = async (pageNo: number): Promise<RecogPage> => {
    calls++;
    running++;
    maxRunning = Math.max(maxRunning, running);
    try {
      return await hold(() => ({
        rows: log.length,
        pages: Math.ceil(log.length / PAGE),
        list: log.slice((pageNo - 1) * PAGE, pageNo * PAGE).map((id) => ({ id: String(id), time: `t${id}` })),
      }));
    } finally {
      running--;
    }
  };
  const witness = async (): Promise<string> => {
    witnessRunning++;
    maxWitness = Math.max(maxWitness, witnessRunning);
    try {
      return await hold(() => String(log[0] ?? ''));
    } finally {
      witnessRunning--;
    }
  };
  return {
    fetchPage,
    witness,
    get log() {
      return log;
    },
    set log(v: number[]) {
      log = v;
    },
    deleted,
    bounds: () => ({ maxRunning, maxWitness, calls }),
  };
}

async function walk(
  cloud: ReturnType<typeof lifoCloud>,
  upperId: number,
  inFlight: number,
  witness?: () => Promise<string>,
) {
  const ids: number[] = [];
  const stats = newWalkStats();
  for await (const step of walkRecogPages(
    cloud.fetchPage,
    { upperId, floorId: 0, pageSize: PAGE, inFlight, witness },
    stats,
  ))
    ids.push(...step.rows.map((r) => Number(r.id)));
  return { ids, stats };
}

/** Every row that was there from start to end written once; nothing twice; newest first. */
function expectEachOnce(ids: number[], upperId: number, deleted: Set<number>): void {
  expect(new Set(ids).size).toBe(ids.length);
  for (let i = 1; i < ids.length; i++) expect(ids[i]).toBeLessThan(ids[i - 1]);
  const written = new Set(ids);
  const missing: number[] = [];
  for (let id = 1; id <= upperId; id++) if (!deleted.has(id) && !written.has(id)) missing.push(id);
  expect(missing).toEqual([]);
}

describe('pages in flight (page-rounds)', () => {
  it('nothing changing: every row once, in order, with at most 4 page requests and one witness out at once', async () => {
    const cloud = lifoCloud(2_000, () => {});
    const { ids, stats } = await walk(cloud, 2_000, 4, cloud.witness);
    expect(ids).toEqual(Array.from({ length: 2_000 }, (_, i) => 2_000 - i));
    expect(cloud.bounds().maxRunning).toBe(4);
    expect(cloud.bounds().maxWitness).toBe(1);
    expect(stats.rereads).toBe(0);
    expect(stats.pagesRead).toBe(200);
  });

  it('answers out of order while rows arrive at the top and older rows are deleted below: each row once', async () => {
    const random = seededRandom(12);
    const change: Change = (log, remove, next) => {
      if (random() < 0.3) log.unshift(next());
      // A clean-up deleting an old row, anywhere in the older half.
      if (random() < 0.3 && log.length > 100)
        remove(log.splice(log.length - 1 - Math.floor(random() * (log.length / 2)), 1)[0]);
    };
    const cloud = lifoCloud(3_000, change);
    const { ids, stats } = await walk(cloud, 3_000, 6, cloud.witness);
    expectEachOnce(ids, 3_000, cloud.deleted);
    expect(cloud.deleted.size).toBeGreaterThan(50);
    expect(stats.rereads).toBeGreaterThan(0);
    expect(cloud.bounds().maxRunning).toBeLessThanOrEqual(6);
  });

  it('a busy device (a row arrives before every answer): rounds shrink, so few pages are asked for twice', async () => {
    const cloud = lifoCloud(3_000, (log, _remove, next) => log.unshift(next()));
    const { ids, stats } = await walk(cloud, 3_000, 8, cloud.witness);
    expectEachOnce(ids, 3_000, cloud.deleted);
    // Without shrinking, every round would ask for up to 8 pages to use one or two.
    expect(cloud.bounds().calls).toBeLessThan(stats.pagesRead * 1.5);
  });

  it('--page-concurrency 1, or no witness: one page at a time, as before', async () => {
    for (const [inFlight, witness] of [
      [1, true],
      [8, false],
    ] as const) {
      const cloud = lifoCloud(500, (log, _remove, next) => log.unshift(next()));
      const { ids } = await walk(cloud, 500, inFlight, witness ? cloud.witness : undefined);
      expectEachOnce(ids, 500, cloud.deleted);
      expect(cloud.bounds().maxRunning).toBe(1);
    }
  });

  it('a step back or the end drops the pages in flight only after they are answered (the bound holds)', async () => {
    let running = 0;
    let max = 0;
    const rounds = pageRounds(
      async (pageNo: number) => {
        running++;
        max = Math.max(max, running);
        await new Promise((r) => setImmediate(r));
        running--;
        return { pageNo, pages: 100 };
      },
      { inFlight: 5, pagesOf: (p) => p.pages, witness: async () => 'same' },
    );
    expect((await rounds.get(1)).inOrder).toBe(true);
    expect((await rounds.get(2)).page.pageNo).toBe(2);
    expect((await rounds.get(3)).inOrder).toBe(true);
    // A step back: a new round starts at page 2 once everything asked for before has been answered.
    expect((await rounds.get(2)).page.pageNo).toBe(2);
    expect(max).toBeLessThanOrEqual(5);
    await rounds.close();
    expect(rounds.inFlight).toBe(0);
  });

  it('a page the walk has taken is no longer held by the rounds (what was written is let go)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const made = new Map<number, WeakRef<object>>();
    const rounds = pageRounds(
      async (n: number) => {
        const page = { n, rows: Array.from({ length: 100 }, (_, i) => ({ id: n * 100 + i })) };
        made.set(n, new WeakRef(page));
        return page;
      },
      { inFlight: 4, pagesOf: () => 8, witness: async () => 'quiet' },
    );
    // Page 1 is a round of its own; pages 2–5 the next, of which the walk takes 2 and 3.
    for (let n = 1; n <= 3; n++) expect((await rounds.get(n)).page.n).toBe(n);
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect([1, 2, 3].map((n) => made.get(n)?.deref())).toEqual([undefined, undefined, undefined]);
    // Pages asked for but not taken yet are still there.
    expect(made.get(4)?.deref()).toBeDefined();
    await rounds.close();
  });
});
