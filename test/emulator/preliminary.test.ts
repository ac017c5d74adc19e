/** Preliminary recognitions (速報データ): listed with a null id until the device finishes its analysis. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addDevice, api, ok, startTestEmulator, type TestEmulator } from './util.js';

let emu: TestEmulator;

beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());
beforeEach(async () => {
  await emu.op('POST', '/reset');
  await addDevice(emu, 'R1');
  await addDevice(emu, 'R2');
  await emu.op('POST', '/device-persons', { serialNo: 'R1', personCode: 'P1', personName: '山田 太郎' });
});

/** Far enough away that nothing in a test run finalises it by time. */
const LATER = 600_000;

async function list(serialNo: string, extra: Record<string, string | number> = {}) {
  return ok(emu, '/log/getRecogLog', { serialNo, ...extra });
}

describe('preliminary recognitions', () => {
  it('are listed first with a null id until finalised, then get an id above every earlier one and keep their time', async () => {
    const first = await emu.op('POST', '/recognize', { serialNo: 'R1', personCode: 'P1', time: '2024/05/01 10:00:00' });
    const pre = await emu.op('POST', '/recognize', {
      serialNo: 'R1',
      personCode: 'P1',
      time: '2024/05/01 10:00:05',
      preliminary: true,
      finalizeAfterMs: LATER,
    });
    expect(pre.status).toBe(200);
    expect(pre.body).toEqual({ id: null, pending: false, preliminary: true, finalizeAfterMs: LATER });
    // A log recognised after the preliminary one but stored before its analysis ends.
    const later = await emu.op('POST', '/recognize', { serialNo: 'R1', time: '2024/05/01 10:00:09' });

    const before = await list('R1');
    expect(before.rows).toBe(3);
    expect(before.list.map((i: { id: string | null }) => i.id)).toEqual([
      null,
      String(later.body.id),
      String(first.body.id),
    ]);
    expect(before.list[0]).toMatchObject({ time: '2024/05/01 10:00:05', personCode: 'P1', personName: '山田 太郎' });
    expect(before.list[0].pictureUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/pictures\//);
    expect((await list('R1', { latest: 1 })).list.map((i: { id: string | null }) => i.id)).toEqual([null]);

    const fin = await emu.op('POST', '/finalize', { serialNo: 'R1' });
    expect(fin.status).toBe(200);
    expect(fin.body.finalized).toHaveLength(1);
    const { id, time, serialNo } = fin.body.finalized[0];
    expect(serialNo).toBe('R1');
    expect(time).toBe('2024/05/01 10:00:05');
    expect(id).toBeGreaterThan(later.body.id);

    const after = await list('R1');
    expect(after.rows).toBe(3);
    expect(after.list.map((i: { id: string }) => i.id)).toEqual([
      String(id),
      String(later.body.id),
      String(first.body.id),
    ]);
    expect(after.list[0].time).toBe('2024/05/01 10:00:05');
    // Now an ordinary log: found by id, usable for registration from a log.
    const fromLog = await api(
      emu,
      '/person/registPersonForCloud',
      { personCode: 'NEW1', personName: '新規', recogLogSerialNo: 'R1', recogLogId: id },
      { method: 'POST' },
    );
    expect(fromLog.body).toEqual({ result: true });
  });

  it('finalise by themselves once finalizeAfterMs has passed (0: by the next request)', async () => {
    await emu.op('POST', '/recognize', { serialNo: 'R1', preliminary: true, finalizeAfterMs: 0 });
    const body = await list('R1');
    expect(body.rows).toBe(1);
    expect(body.list[0].id).toMatch(/^\d+$/);
  });

  it('wait 3000 ms by default', async () => {
    const r = await emu.op('POST', '/recognize', { serialNo: 'R1', preliminary: true });
    expect(r.body.finalizeAfterMs).toBe(3000);
  });

  it('take ids in arrival order and lead the list newest first, whatever their times', async () => {
    for (const time of ['2024/05/01 10:00:03', '2024/05/01 10:00:01', '2024/05/01 10:00:02']) {
      await emu.op('POST', '/recognize', { serialNo: 'R1', time, preliminary: true, finalizeAfterMs: LATER });
    }
    const waiting = await list('R1');
    expect(waiting.list.map((i: { time: string }) => i.time.slice(-2))).toEqual(['02', '01', '03']);
    const fin = await emu.op('POST', '/finalize', {});
    const ids = fin.body.finalized.map((f: { id: number }) => f.id);
    expect(fin.body.finalized.map((f: { time: string }) => f.time.slice(-2))).toEqual(['03', '01', '02']);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    const stored = await list('R1');
    expect(stored.list.map((i: { time: string }) => i.time.slice(-2))).toEqual(['02', '01', '03']);
  });

  it('page together with stored logs: every log once, the preliminary ones on page 1', async () => {
    expect((await emu.op('POST', '/recognize', { serialNo: 'R1', count: 150 })).status).toBe(200);
    for (let i = 0; i < 2; i++) {
      await emu.op('POST', '/recognize', { serialNo: 'R1', preliminary: true, finalizeAfterMs: LATER });
    }
    const p1 = await list('R1', { pageNo: 1 });
    const p2 = await list('R1', { pageNo: 2 });
    expect(p1.rows).toBe(152);
    expect(p1.pages).toBe(2);
    expect(p1.list).toHaveLength(100);
    expect(p2.list).toHaveLength(52);
    const ids = [...p1.list, ...p2.list].map((i: { id: string | null }) => i.id);
    expect(ids.slice(0, 2)).toEqual([null, null]);
    const numbers = ids.slice(2).map(Number);
    expect(new Set(numbers).size).toBe(150);
    expect([...numbers].sort((a, b) => b - a)).toEqual(numbers);
  });

  it('follow the filters: person, time window, device', async () => {
    await emu.op('POST', '/recognize', {
      serialNo: 'R1',
      personCode: 'P1',
      time: '2024/05/01 10:00:00',
      preliminary: true,
      finalizeAfterMs: LATER,
    });
    await emu.op('POST', '/recognize', {
      serialNo: 'R1',
      time: '2024/05/02 10:00:00',
      preliminary: true,
      finalizeAfterMs: LATER,
    });
    expect((await list('R1', { personCode: 'P1' })).rows).toBe(1);
    expect((await list('R1', { recogTimeFrom: '2024/05/02 00:00:00' })).rows).toBe(1);
    expect((await list('R1', { recogTimeTo: '2024/04/30 00:00:00' })).rows).toBe(0);
    expect((await list('R2')).rows).toBe(0);
    expect((await list('R2', { latest: 1 })).list).toEqual([]);
  });

  it('finalise only the named device on POST /finalize {serialNo}', async () => {
    await emu.op('POST', '/recognize', { serialNo: 'R1', preliminary: true, finalizeAfterMs: LATER });
    await emu.op('POST', '/recognize', { serialNo: 'R2', preliminary: true, finalizeAfterMs: LATER });
    const fin = await emu.op('POST', '/finalize', { serialNo: 'R2' });
    expect(fin.body.finalized.map((f: { serialNo: string }) => f.serialNo)).toEqual(['R2']);
    expect((await list('R1')).list[0].id).toBeNull();
    expect((await list('R2')).list[0].id).toMatch(/^\d+$/);
    expect((await emu.op('POST', '/finalize', { serialNo: 'NOPE' })).status).toBe(404);
  });

  it('are refused with count or pending, and with a bad finalizeAfterMs', async () => {
    const withCount = await emu.op('POST', '/recognize', { serialNo: 'R1', preliminary: true, count: 5 });
    expect(withCount.status).toBe(400);
    const withPending = await emu.op('POST', '/recognize', { serialNo: 'R1', preliminary: true, pending: true });
    expect(withPending.status).toBe(400);
    const negative = await emu.op('POST', '/recognize', { serialNo: 'R1', preliminary: true, finalizeAfterMs: -1 });
    expect(negative.status).toBe(400);
    expect((await list('R1')).rows).toBe(0);
  });

  it('are gone after a reset', async () => {
    await emu.op('POST', '/recognize', { serialNo: 'R1', preliminary: true, finalizeAfterMs: LATER });
    await emu.op('POST', '/reset');
    await addDevice(emu, 'R1');
    expect((await list('R1')).rows).toBe(0);
  });
});
