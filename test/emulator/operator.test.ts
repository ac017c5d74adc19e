/** The operator API: devices, faults, the request journal, reset, bulk recognitions; and handler coverage. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handlerTable } from '../../src/emulator/handlers/index.js';
import { endpoints } from '../../src/registry/index.js';
import { addDevice, api, ok, startTestEmulator, type TestEmulator } from './util.js';

let emu: TestEmulator;

beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());

describe('coverage', () => {
  it('every facetCloud endpoint of the registry has a handler, and no handler is unknown to it', () => {
    // The public setPictureCookie.js included: one pipeline, no path special-cased (issue 8 §2).
    const api1 = endpoints.filter((ep) => ep.api === 'facetcloud').map((ep) => ep.id);
    expect(Object.keys(handlerTable).sort()).toEqual([...api1].sort());
  });
});

describe('operator authentication', () => {
  it('needs the same token in the ds-api-token header', async () => {
    const res = await fetch(`${emu.origin}/_emulator/devices`);
    expect(res.status).toBe(403);
  });
});

describe('devices', () => {
  it('creates, refuses duplicates and bad input, and patches', async () => {
    const made = await emu.op('POST', '/devices', {
      serialNo: 'OP1',
      kind: 'aicamera',
      description: 'カメラ',
      latencyMs: 1,
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ serialNo: 'OP1', kind: 'aicamera', online: true, latencyMs: 1 });
    expect((await emu.op('POST', '/devices', { serialNo: 'OP1' })).status).toBe(409);
    expect((await emu.op('POST', '/devices', { serialNo: 'bad serial!' })).status).toBe(400);
    expect((await emu.op('POST', '/devices', { serialNo: 'OP2', kind: 'phone' })).status).toBe(400);
    const patched = await emu.op('PATCH', '/devices/OP1', { online: false, latencyMs: 7 });
    expect(patched.body).toMatchObject({ online: false, latencyMs: 7 });
    expect((await emu.op('PATCH', '/devices/NOPE', { online: false })).status).toBe(404);
    expect((await emu.op('GET', '/devices')).body.map((d: { serialNo: string }) => d.serialNo)).toContain('OP1');
  });
});

describe('faults', () => {
  it('injects a status on matching paths only, and DELETE clears them', async () => {
    await addDevice(emu, 'F1');
    await emu.op('POST', '/faults', { path: '/device/getDevice', status: 502 });
    const hit = await api(emu, '/device/getDevice');
    expect(hit.status).toBe(502);
    expect(hit.bytes.length).toBe(0);
    expect((await api(emu, '/system/getSystemInfo', { serialNo: 'F1' })).status).toBe(200);
    await emu.op('DELETE', '/faults');
    expect((await api(emu, '/device/getDevice')).status).toBe(200);
  });

  it('a 500 answers the JSON envelope; 503 an empty body', async () => {
    await emu.op('POST', '/faults', { status: 500 });
    const r = await api(emu, '/device/getDevice');
    expect(r.status).toBe(500);
    expect(r.body.error).toBe(true);
    await emu.op('DELETE', '/faults');
    await emu.op('POST', '/faults', { status: 503 });
    const m = await api(emu, '/device/getDevice');
    expect(m.status).toBe(503);
    expect(m.bytes.length).toBe(0);
    await emu.op('DELETE', '/faults');
  });

  it('resetRate drops the connection', async () => {
    await emu.op('POST', '/faults', { path: '/api1/device/getDevice', resetRate: 1 });
    await expect(api(emu, '/device/getDevice')).rejects.toThrow();
    await emu.op('DELETE', '/faults');
    expect((await api(emu, '/device/getDevice')).status).toBe(200);
  });

  it('with a seed, the same rate gives the same sequence of outcomes', async () => {
    const run = async () => {
      await emu.op('DELETE', '/faults');
      await emu.op('POST', '/faults', { path: '/device/getDevice', status: 503, rate: 0.5, seed: 42 });
      const out: number[] = [];
      for (let i = 0; i < 12; i++) out.push((await api(emu, '/device/getDevice')).status);
      await emu.op('DELETE', '/faults');
      return out;
    };
    const a = await run();
    const b = await run();
    expect(a).toEqual(b);
    expect(new Set(a)).toEqual(new Set([200, 503]));
  });

  it('validates the fault', async () => {
    expect((await emu.op('POST', '/faults', { status: 404 })).status).toBe(400);
    expect((await emu.op('POST', '/faults', { rate: 2 })).status).toBe(400);
  });
});

describe('journal and reset', () => {
  it('records method, path, parameter names and status, never the token or values', async () => {
    await emu.op('DELETE', '/requests');
    await api(emu, '/device/getDevice', {}, { tokenIn: 'query' });
    await api(emu, '/person/checkPersonPicture', { picture: 'SECRETPICTUREDATA' }, { method: 'POST' });
    const { body } = await emu.op('GET', '/requests');
    expect(body.requests.map((r: { path: string }) => r.path)).toEqual([
      '/api1/device/getDevice',
      '/api1/person/checkPersonPicture',
    ]);
    expect(body.requests[0]).toMatchObject({ method: 'GET', params: [], status: 200 });
    expect(body.requests[1]).toMatchObject({ method: 'POST', params: ['picture'], status: 400 });
    const text = JSON.stringify(body);
    expect(text).not.toContain(emu.token);
    expect(text).not.toContain('SECRETPICTUREDATA');
  });

  it('reset empties the state but keeps the token', async () => {
    await addDevice(emu, 'GONE');
    expect((await emu.op('POST', '/reset')).status).toBe(200);
    expect(await ok(emu, '/device/getDevice')).toEqual([]);
  });
});

describe('bulk recognitions', () => {
  it('days: 0 puts every recognition at this second; a negative or non-number days is a 400', async () => {
    await addDevice(emu, 'NOW0');
    const r = await emu.op('POST', '/recognize', { serialNo: 'NOW0', count: 5, days: 0 });
    expect(r.body).toMatchObject({ inserted: 5 });
    const times = new Set(
      (await ok(emu, '/log/getRecogLog', { serialNo: 'NOW0' })).list.map((x: { time: string }) => x.time),
    );
    expect(times.size).toBe(1);
    for (const days of [-1, 'week']) {
      expect((await emu.op('POST', '/recognize', { serialNo: 'NOW0', count: 5, days })).status).toBe(400);
    }
  });

  it('stores a million logs, and pages answer correctly', async () => {
    await addDevice(emu, 'BULK');
    await emu.op('POST', '/device-persons', { serialNo: 'BULK', personCode: 'B1', personName: 'One' });
    await emu.op('POST', '/device-persons', { serialNo: 'BULK', personCode: 'B2', personName: 'Two' });
    const r = await emu.op('POST', '/recognize', { serialNo: 'BULK', count: 1_000_000, days: 30 });
    expect(r.body).toMatchObject({ inserted: 1_000_000, pending: false });

    const first = await ok(emu, '/log/getRecogLog', { serialNo: 'BULK' });
    expect(first.rows).toBe(1_000_000);
    expect(first.pages).toBe(10_000);
    const ids = first.list.map((x: { id: string }) => Number(x.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(ids[0] - ids[99]).toBe(99);

    const last = await ok(emu, '/log/getRecogLog', { serialNo: 'BULK', pageNo: 10_000 });
    expect(last.list).toHaveLength(100);
    const middle = await ok(emu, '/log/getRecogLog', { serialNo: 'BULK', pageNo: 5_000 });
    expect(Number(middle.list[0].id)).toBe(ids[0] - 499_900);
    expect(Number(last.list[99].id)).toBe(ids[0] - 999_999);
    expect((await ok(emu, '/log/getRecogLog', { serialNo: 'BULK', pageNo: 10_001 })).list).toEqual([]);

    // Ids grow with time: the newest id carries the newest time.
    expect(first.list[0].time >= last.list[99].time).toBe(true);

    const person = await ok(emu, '/log/getRecogLog', { serialNo: 'BULK', personCode: 'B1' });
    expect(person.rows).toBe(400_000);
    expect(person.list.every((x: { personCode: string }) => x.personCode === 'B1')).toBe(true);
    const deepPerson = await ok(emu, '/log/getRecogLog', { serialNo: 'BULK', personCode: 'B1', pageNo: 4_000 });
    expect(deepPerson.list).toHaveLength(100);

    const day = first.list[0].time.slice(0, 10);
    const window = await ok(emu, '/log/getRecogLog', {
      serialNo: 'BULK',
      recogTimeFrom: `${day} 00:00:00`,
      recogTimeTo: `${day} 23:59:59`,
    });
    expect(window.rows).toBeGreaterThan(0);
    expect(window.rows).toBeLessThan(1_000_000);
    expect(window.list.every((x: { time: string }) => x.time.startsWith(day))).toBe(true);
    const wide = await ok(emu, '/log/getRecogLog', {
      serialNo: 'BULK',
      recogTimeFrom: '2000/01/01 00:00:00',
      recogTimeTo: '2099/12/31 23:59:59',
    });
    expect(wide.rows).toBe(1_000_000);
    expect(wide.list[0].id).toBe(first.list[0].id);

    const deleted = await ok(emu, '/log/deleteRecogLog', { serialNo: 'BULK', personCode: 'B2' });
    expect(deleted).toEqual({ result: true, total: 400_000, deleted: 100 });
    expect((await ok(emu, '/log/getRecogLog', { serialNo: 'BULK', personCode: 'B2' })).rows).toBe(399_900);
    expect((await ok(emu, '/log/getRecogLog', { serialNo: 'BULK' })).rows).toBe(999_900);
  });
});
