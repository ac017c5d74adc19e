/**
 * setConfig's normal body-temperature range (facetcloud-api-v4.0 L4045–4051: 「摂氏の場合は 34.0 - 42.0
 * 華氏の場合は 93.2 - 107.6 小数点以下第一位まで」), report A4: the emulator checks a value against the
 * unit in effect (sent in the same request, else the device's current one) and names that unit's
 * range, never "34–107.6"; the CLI refuses before sending (exit 2) a value valid in neither range,
 * naming the flag and both ranges, and checks against the unit when the same command sets it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { connectionEnv } from '../helpers/cli-emulator.js';
import { addDevice, api, ok, type Reply, startTestEmulator, type TestEmulator } from './util.js';

let emu: TestEmulator;

beforeAll(async () => {
  emu = await startTestEmulator({ latencyMs: 0 });
  await addDevice(emu, 'TD1');
});
afterAll(() => emu.close());

beforeEach(async () => {
  // Celsius, 35.0–37.5, before each test.
  await ok(emu, '/config/setConfig', {
    serialNo: 'TD1',
    tempUnit: 0,
    tempValueRangeFrom: '35.0',
    tempValueRangeTo: '37.5',
  });
});

function messageOf(r: Reply, name: string): string {
  expect(r.status, JSON.stringify(r.body)).toBe(400);
  const e = r.body.errors.find((x: { name: string }) => x.name === name);
  expect(e, JSON.stringify(r.body)).toBeDefined();
  return e.message;
}

const set = (params: Record<string, string | number>) => api(emu, '/config/setConfig', { serialNo: 'TD1', ...params });

describe('the emulator checks against the unit in effect', () => {
  it('the device in Celsius: 33.9 and 60 name 34.0–42.0 (not 34–107.6); 98.6 too', async () => {
    for (const v of ['33.9', '60', '98.6', '42.1']) {
      const m = messageOf(await set({ tempValueRangeFrom: v }), 'tempValueRangeFrom');
      expect(m).toBe('正常体温の下限は34.0から42.0の範囲で指定して下さい。');
      expect(m).not.toMatch(/107\.6/);
    }
    expect(messageOf(await set({ tempValueRangeTo: '33.9' }), 'tempValueRangeTo')).toBe(
      '正常体温の上限は34.0から42.0の範囲で指定して下さい。',
    );
    expect((await ok(emu, '/config/getConfig', { serialNo: 'TD1' })).tempValueRangeFrom).toBe(35);
  });

  it('the device in Fahrenheit: 36.5 and 60 name 93.2–107.6; 98.6 is stored', async () => {
    await ok(emu, '/config/setConfig', { serialNo: 'TD1', tempUnit: 1 });
    for (const v of ['36.5', '60', '107.7']) {
      expect(messageOf(await set({ tempValueRangeFrom: v }), 'tempValueRangeFrom')).toBe(
        '正常体温の下限は93.2から107.6の範囲で指定して下さい。',
      );
    }
    expect((await ok(emu, '/config/setConfig', { serialNo: 'TD1', tempValueRangeFrom: '96.8' })).updated).toEqual([
      'tempValueRangeFrom',
    ]);
  });

  it('the unit sent in the same request wins over the device’s', async () => {
    // Device in Celsius, the request switches to Fahrenheit: 98.6 is valid, 36.5 is not.
    expect(messageOf(await set({ tempUnit: 1, tempValueRangeFrom: '36.5' }), 'tempValueRangeFrom')).toBe(
      '正常体温の下限は93.2から107.6の範囲で指定して下さい。',
    );
    const both = await ok(emu, '/config/setConfig', {
      serialNo: 'TD1',
      tempUnit: 1,
      tempValueRangeFrom: '96.8',
      tempValueRangeTo: '99.5',
    });
    expect(both.updated).toEqual(['tempUnit', 'tempValueRangeFrom', 'tempValueRangeTo']);
  });
});

describe('the CLI refuses before sending', () => {
  async function cli(argv: string[]) {
    await emu.op('DELETE', '/requests');
    const r = await runCli(['config', 'set', '--serial', 'TD1', ...argv], { env: connectionEnv(emu) });
    const sent = (await emu.op('GET', '/requests')).body.requests as { path: string }[];
    return { ...r, sent: sent.filter((q) => q.path.endsWith('/setConfig')) };
  }

  it('--temp-value-range-from 60: exit 2, the flag and both ranges named, nothing sent', async () => {
    const r = await cli(['--temp-value-range-from', '60']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(
      '--temp-value-range-from: must be between 34.0 and 42.0 (°C, tempUnit 0) or between 93.2 and 107.6 (°F, tempUnit 1)',
    );
    expect(r.sent).toEqual([]);
  });

  it.each(['33.9', '42.1', '93.1', '107.7'])(
    '--temp-value-range-to %s (valid in neither unit) is refused',
    async (v) => {
      const r = await cli(['--temp-value-range-to', v]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('--temp-value-range-to: must be between 34.0 and 42.0');
      expect(r.sent).toEqual([]);
    },
  );

  it('with --temp-unit in the same command, against that unit: 36.5 °F and 98.6 °C refused, naming the unit', async () => {
    const f = await cli(['--temp-unit', '1', '--temp-value-range-from', '36.5']);
    expect(f.code, f.stderr).toBe(2);
    expect(f.stderr).toContain('--temp-value-range-from: must be between 93.2 and 107.6 when tempUnit is 1 (°F)');
    const c = await cli(['--temp-unit', '0', '--temp-value-range-from', '98.6']);
    expect(c.code, c.stderr).toBe(2);
    expect(c.stderr).toContain('--temp-value-range-from: must be between 34.0 and 42.0 when tempUnit is 0 (°C)');
    expect(c.sent).toEqual([]);
  });

  it('the same with --set key=value', async () => {
    const r = await cli(['--set', 'tempValueRangeFrom=60']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--temp-value-range-from: must be between 34\.0 and 42\.0 .* or between 93\.2 and 107\.6/);
    expect(r.sent).toEqual([]);
  });

  it('a value valid in one unit is sent, and the emulator answers for the device’s unit', async () => {
    const r = await cli(['--temp-value-range-from', '98.6']);
    expect(r.code).toBe(1);
    expect(r.sent).toHaveLength(1);
    expect(r.stderr).toContain('正常体温の下限は34.0から42.0の範囲で指定して下さい。');
    const ok36 = await cli(['--temp-value-range-from', '36.0']);
    expect(ok36.code, ok36.stderr).toBe(0);
  });
});
