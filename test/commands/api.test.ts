import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { clearJournal, journal, resetWithDevice, SERIAL, useCliEmulator } from '../helpers/cli-emulator.js';

const setup = useCliEmulator();
const { cli } = setup;

beforeAll(async () => {
  await resetWithDevice(setup.emu);
  await setup.emu.op('POST', '/devices', { serialNo: 'OFF0001', kind: 'terminal', online: false });
});

describe('facetctl api', () => {
  it('prints the answer as it came without a terminal, pretty on one', async () => {
    const piped = await cli(['api', '/device/getDevice']);
    expect(piped.code).toBe(0);
    expect(piped.stdout.trim().split('\n')).toHaveLength(1);
    const tty = await cli(['api', 'device/getDevice'], { stdoutIsTTY: true });
    expect(tty.stdout).toContain('\n  {\n');
    expect(JSON.parse(tty.stdout)).toEqual(JSON.parse(piped.stdout));
  });

  it('-o csv|ndjson|table and --query render a JSON answer as the typed commands do', async () => {
    const csv = await cli(['api', '/device/getDevice', '-o', 'csv']);
    expect(csv.code, csv.stderr).toBe(0);
    const csvLines = csv.stdout.trim().split('\n');
    expect(csvLines[0]).toContain('serialNo');
    expect(csvLines).toHaveLength(3);
    const nd = await cli(['api', '/device/getDevice', '-o', 'ndjson']);
    expect(
      nd.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).serialNo)
        .sort(),
    ).toEqual(['7L11R010014', 'OFF0001']);
    const table = await cli(['api', '/device/getDevice', '-o', 'table']);
    expect(table.stdout).toContain('OFF0001');
    expect(table.stdout).not.toContain('{');
    const q = await cli(['api', '/device/getDevice', '--query', '[0].serialNo', '-o', 'json']);
    expect(q.code, q.stderr).toBe(0);
    expect(JSON.parse(q.stdout)).toBe('7L11R010014');
    await clearJournal(setup.emu);
    const both = await cli(['api', '/device/getDevice', '-o', 'csv', '--out', 'x.csv']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--out writes the answer body as it came');
    const logo = await cli(['api', '/config/getLogo', '-f', `serialNo=${'7L11R010014'}`, '-o', 'csv']);
    expect(logo.code).toBe(2);
    expect(logo.stderr).toContain('-o and --query apply to JSON answers');
    const prom = await cli(['api', '/device/getDevice', '-o', 'prometheus']);
    expect(prom.code).toBe(2);
    expect(await journal(setup.emu)).toEqual([]);
  });

  it('exit codes follow the status: 400 → 1, 403 → 4, 503 with a body → 5, 404 → 1', async () => {
    const bad = await cli(['api', '/system/getSystemInfo']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('"error":true');
    expect(bad.stderr).toContain('serialNo');
    expect((await cli(['api', '/device/getDevice'], { env: { FACETCTL_TOKEN: 'W'.repeat(64) } })).code).toBe(4);
    const offline = await cli(['api', '/system/getSystemInfo', '-f', 'serialNo=OFF0001']);
    expect(offline.code).toBe(5);
    expect(offline.stderr).toContain('OFF0001');
    expect((await cli(['api', '/no/such/path'])).code).toBe(1);
  });

  it('-f key=@FILE sends the file in base64; -X POST', async () => {
    const r = await cli(['api', '/person/checkPersonPicture', '-X', 'post', '-f', 'picture=@face.jpg']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ result: true });
  });

  it('binary answers go to --out', async () => {
    const r = await cli(['api', '/config/getLogo', '-f', `serialNo=${SERIAL}`, '--out', 'api-logo.png']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(setup.cwd, 'api-logo.png')).subarray(1, 4).toString()).toBe('PNG');
  });

  it('binary answers are not written to a terminal', async () => {
    const r = await cli(['api', '/config/getLogo', '-f', `serialNo=${SERIAL}`], { stdoutIsTTY: true });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--out');
    expect(r.stdout).toBe('');
  });

  it('reaches SenseLink paths with the signature', async () => {
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date().toISOString();
    const r = await cli(['api', '/api/v1/plus/record', '-f', `time_from=${from}`, '-f', `time_to=${to}`]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ code: 200 });
  });

  it('rejects a malformed field before sending', async () => {
    await clearJournal(setup.emu);
    expect((await cli(['api', '/device/getDevice', '-f', 'novalue'])).code).toBe(2);
    expect(await journal(setup.emu)).toEqual([]);
  });
});
