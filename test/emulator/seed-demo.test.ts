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
    const serial = persons.list.find((p: { personCode: string }) => p.personCode === 'F00001')!.serialNos[0];
    expect(serial).toBe('7L11R010014');
    const logs = await ok(emu, '/log/getRecogLog', { serialNo: serial });
    expect(logs.rows).toBeGreaterThanOrEqual(1000);
    const ops = await ok(emu, '/log/getOperateLog', { serialNo: serial });
    expect(ops.rows).toBeGreaterThan(100);
    expect(
      Object.keys(await ok(emu, '/person/getPersonAcessTimeFromCloud', { personCode: 'F00002' })).length,
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

/** Each device's own seeded persons (all but the offline 7L11R010017, which answers no toDevice). */
const OWN: [string, string][] = [
  ['7L11R010014', 'F00001'],
  ['7L11R010014', 'F00002'],
  ['7L11R010015', 'F00003'],
  ['7L11R010015', 'F00004'],
  ['7L11R010016', 'F00005'],
  ['AC00000001', 'F00007'],
  ['AC00000001', 'F00008'],
];

// `undefined`: the default analyzer (the detector when its add-on starts, else basic).
describe.each([{ faces: 'basic' as const }, { faces: undefined }])('demo seed faces ($faces)', ({ faces }) => {
  let fresh: TestEmulator;
  beforeAll(async () => {
    fresh = await startTestEmulator({ seed: 'demo', faces });
  }, 120_000);
  afterAll(() => fresh?.close());

  it('re-pushing a device’s own persons works; a look-alike onto the device holding its twin is refused', async () => {
    for (const [serialNo, personCode] of OWN) {
      const r = await ok(fresh, '/person/toDevice', { serialNo, personCode });
      expect({ serialNo, personCode, ...r }).toMatchObject({ serialNo, personCode, result: true, regist: true });
    }
    // F00003 has F00001's face (astronaut), F00006 has X0001's (cameraman).
    for (const [serialNo, personCode] of [
      ['7L11R010014', 'F00003'],
      ['7L11R010016', 'F00006'],
    ]) {
      expect(await ok(fresh, '/person/toDevice', { serialNo, personCode })).toMatchObject({
        result: false,
        message: '既に保存されている人物の顔写真です。',
      });
    }
  }, 120_000);
});
