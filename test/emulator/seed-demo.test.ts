/** `seed: 'demo'`: every group of commands has something to show. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, ok, startTestEmulator, type TestEmulator } from './util.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator({ seed: 'demo' });
});
afterAll(() => emu.close());

describe('demo seed', () => {
  it('has devices incl. an AI camera, an offline terminal and a TTCX1100', async () => {
    const devices = await ok(emu, '/device/getDevice');
    expect(devices.length).toBeGreaterThanOrEqual(4);
    const ops = (await emu.op('GET', '/devices')).body as { kind: string; online: boolean; model: string }[];
    expect(ops.some((d) => d.kind === 'aicamera')).toBe(true);
    expect(ops.some((d) => d.kind === 'terminal' && !d.online)).toBe(true);
    expect(ops.some((d) => d.model === 'TTCX1100')).toBe(true);
  });

  it('has persons with pictures, types, access windows, cards, and thousands of logs', async () => {
    const persons = await ok(emu, '/person/getPersonFromCloud', {});
    expect(persons.rows).toBeGreaterThanOrEqual(10);
    expect(persons.list.every((p: { pictureUrl: string | null }) => p.pictureUrl)).toBe(true);
    expect((await ok(emu, '/person/getPersonType')).length).toBeGreaterThan(0);
    const serial = persons.list.find((p: { serialNos: string[] }) => p.serialNos.length)!.serialNos[0];
    const logs = await ok(emu, '/log/getRecogLog', { serialNo: serial });
    expect(logs.rows).toBeGreaterThanOrEqual(1000);
    const ops = await ok(emu, '/log/getOperateLog', { serialNo: serial });
    expect(ops.rows).toBeGreaterThan(100);
    expect(
      Object.keys(await ok(emu, '/person/getPersonAcessTimeFromCloud', { personCode: 'F00006' })).length,
    ).toBeGreaterThan(0);
    expect((await ok(emu, '/person/getPersonCardInfoFromCloud', { personCode: 'F00001' })).list.length).toBeGreaterThan(
      0,
    );
    expect((await ok(emu, '/device/sync', { serialNo: '7L11R010014' })).recogLogRegisted).toBeGreaterThan(0);
    expect((await api(emu, '/person/capturePersonPicture', { serialNo: '7L11R010014' })).contentType).toBe(
      'image/jpeg',
    );
  });
});
