/**
 * The page memo over HTTP: getRecogLog and getOperateLog pages asked 8 at a time, out of order, with
 * filters, and with inserts, deletes and synchronisations between the batches, answer exactly what
 * an emulator with the memo switched off (every page the plain OFFSET query) answers for the same data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom, shuffled } from '../../src/core/seeded-random.js';
import { addDevice, ok, startTestEmulator, type TestEmulator } from './util.js';

let on: TestEmulator;
let off: TestEmulator;
const random = seededRandom(99);

beforeAll(async () => {
  [on, off] = await Promise.all([
    startTestEmulator({ latencyMs: 0 }),
    startTestEmulator({ latencyMs: 0, pageMemo: false }),
  ]);
});
afterAll(async () => {
  await Promise.all([on.close(), off.close()]);
});

/** The same operator call on both emulators. */
async function both(path: string, body: Record<string, unknown>): Promise<void> {
  const answers = await Promise.all([on.op('POST', path, body), off.op('POST', path, body)]);
  for (const a of answers) if (a.status >= 300) throw new Error(`${path}: ${JSON.stringify(a.body)}`);
}

function wireTime(minute: number): string {
  const d = new Date(Date.UTC(2024, 0, 1, 0, minute));
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:00`;
}

/** A page's list without the picture URLs (their nonce differs per answer by design). */
function comparable(body: { rows: number; pages: number; list: Record<string, unknown>[] }) {
  return { rows: body.rows, pages: body.pages, list: body.list.map(({ pictureUrl, ...rest }) => rest) };
}

/**
 * Pages through `path` on both emulators: 8 pages at a time on the memo one, concurrently and shuffled,
 * one by one on the other, comparing each; `between` runs (on both) after each batch.
 */
async function compareAll(
  path: string,
  params: Record<string, string>,
  between: (batch: number) => Promise<void>,
): Promise<number> {
  let compared = 0;
  for (let batch = 0; ; batch++) {
    const first = await ok(off, path, { ...params, pageNo: 1 });
    const pages = Math.max(1, first.pages);
    const numbers = shuffled(
      Array.from({ length: 8 }, (_, i) => ((batch * 8 + i) % (pages + 1)) + 1),
      random,
    );
    const got = await Promise.all(numbers.map((pageNo) => ok(on, path, { ...params, pageNo })));
    for (const [i, pageNo] of numbers.entries()) {
      const want = await ok(off, path, { ...params, pageNo });
      expect(comparable(got[i]), `${path} ${JSON.stringify(params)} page ${pageNo}, batch ${batch}`).toEqual(
        comparable(want),
      );
      compared++;
    }
    if (batch >= 6) return compared;
    await between(batch);
  }
}

describe('getRecogLog pages with the memo equal those without it', () => {
  beforeAll(async () => {
    await addDevice(on, 'H1');
    await addDevice(off, 'H1');
    for (const code of ['P1', 'P2'])
      await both('/device-persons', { serialNo: 'H1', personCode: code, personName: code });
    // 450 logs, times out of id order (so windows are filtered, not id ranges), a stranger every fifth.
    for (let i = 0; i < 450; i++) {
      const personCode = i % 5 === 4 ? undefined : `P${(i % 2) + 1}`;
      await both('/recognize', { serialNo: 'H1', time: wireTime((i * 7919) % 2000), personCode });
    }
  });

  const FILTERS: Record<string, string>[] = [
    {},
    { personCode: 'P1' },
    { recogTimeFrom: wireTime(100), recogTimeTo: wireTime(1800) },
    { personCode: 'P2', recogTimeFrom: wireTime(300) },
  ];
  for (const filter of FILTERS) {
    it(`filter ${JSON.stringify(filter)}, with inserts, deletes and syncs between batches`, async () => {
      const compared = await compareAll('/log/getRecogLog', { serialNo: 'H1', ...filter }, async (batch) => {
        if (batch % 3 === 0) {
          for (let i = 0; i < 40; i++) {
            await both('/recognize', {
              serialNo: 'H1',
              time: wireTime((batch * 131 + i * 37) % 2000),
              personCode: 'P1',
            });
          }
        } else if (batch % 3 === 1) {
          const page = await ok(off, '/log/getRecogLog', { serialNo: 'H1', pageNo: 2 });
          const ids = page.list.slice(0, 30).map((x: { id: string }) => x.id);
          for (const emu of [on, off]) await ok(emu, '/log/deleteRecogLog', { serialNo: 'H1', ids: ids.join(',') });
        } else {
          for (let i = 0; i < 20; i++) {
            await both('/recognize', { serialNo: 'H1', time: wireTime(2000 + batch * 20 + i), pending: true });
          }
          for (const emu of [on, off]) await ok(emu, '/device/sync', { serialNo: 'H1' });
        }
      });
      expect(compared).toBe(56);
    });
  }
});

describe('getOperateLog pages with the memo equal those without it', () => {
  beforeAll(async () => {
    await addDevice(on, 'H2');
    await addDevice(off, 'H2');
    // Three logs a minute (ties in time are ordered by id), some pending until /device/sync.
    for (let i = 0; i < 420; i++) {
      await both('/operate-logs', {
        serialNo: 'H2',
        time: wireTime(Math.floor(i / 3)),
        operateUser: i % 4 === 0 ? 'System' : 'admin',
        detail: `n${i}`,
        pending: i % 10 === 0,
      });
    }
  });

  const OPERATE_FILTERS: Record<string, string>[] = [
    {},
    { operateUser: 'admin' },
    { operateTimeFrom: wireTime(20), operateTimeTo: wireTime(120) },
  ];
  for (const filter of OPERATE_FILTERS) {
    it(`filter ${JSON.stringify(filter)}, with inserts and syncs between batches`, async () => {
      let n = 0;
      const compared = await compareAll('/log/getOperateLog', { serialNo: 'H2', ...filter }, async (batch) => {
        if (batch % 2 === 0) {
          for (let i = 0; i < 30; i++) {
            await both('/operate-logs', {
              serialNo: 'H2',
              time: wireTime((batch * 17 + i) % 140),
              detail: `m${n++}`,
              pending: i % 3 === 0,
            });
          }
        } else {
          for (const emu of [on, off]) await ok(emu, '/device/sync', { serialNo: 'H2' });
        }
      });
      expect(compared).toBe(56);
    });
  }
});
