/** `config export|diff|apply` against the emulator's devices. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { tempDir } from '../../helpers/temp.js';

let emu: TestEmulator;
let env: Record<string, string>;
const tmp = () => tempDir('facetctl-config-');

beforeAll(async () => {
  emu = await startTestEmulator();
  env = { FACETCTL_HOST: emu.url, FACETCTL_TOKEN: emu.token };
  for (const serialNo of ['CFG1', 'CFG2']) expect((await emu.op('POST', '/devices', { serialNo })).status).toBe(201);
  expect((await emu.op('POST', '/devices', { serialNo: 'CFGOFF', online: false })).status).toBe(201);
});
afterAll(async () => {
  await emu?.close();
});

async function getConfig(serialNo: string): Promise<Record<string, unknown>> {
  const res = await runCli(['config', 'get', '--serial', serialNo, '-o', 'json'], { env });
  expect(res.code, res.stderr).toBe(0);
  return JSON.parse(res.stdout);
}

describe('config export', () => {
  it('writes config.json, config.bin and logo.png per device', async () => {
    const dir = tmp();
    const res = await runCli(['config', 'export', '--serial', 'CFG1', '--serial', 'CFG2', '--dir', dir, '-o', 'json'], {
      env,
    });
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual([
      { serialNo: 'CFG1', config: 'ok', configBin: 'ok', logo: 'ok' },
      { serialNo: 'CFG2', config: 'ok', configBin: 'ok', logo: 'ok' },
    ]);
    const saved = JSON.parse(readFileSync(join(dir, 'CFG1', 'config.json'), 'utf8'));
    expect(saved).toEqual(await getConfig('CFG1'));
    const png = readFileSync(join(dir, 'CFG1', 'logo.png'));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(readFileSync(join(dir, 'CFG2', 'config.bin')).length).toBeGreaterThan(0);
  });

  it('an unreachable device is reported and the run exits 3; the others are written', async () => {
    const dir = tmp();
    const res = await runCli(['config', 'export', '--all-devices', '--dir', dir, '-o', 'json'], { env });
    expect(res.code).toBe(3);
    const items = JSON.parse(res.stdout) as { serialNo: string; config: string; configBin: string; logo: string }[];
    const off = items.find((i) => i.serialNo === 'CFGOFF');
    const on = items.find((i) => i.serialNo === 'CFG1');
    expect(on).toMatchObject({ config: 'ok', configBin: 'ok', logo: 'ok' });
    expect(off && [off.config, off.configBin, off.logo].some((v) => v !== 'ok')).toBe(true);
    expect(readFileSync(join(dir, 'CFG1', 'config.json'), 'utf8')).toContain('deviceAudioVolume');
    // The terminal shows each failed file of each device with the API's words, not only a count.
    expect(res.stderr).toContain(
      'CFGOFF: config.json: device: デバイス[CFGOFF]はクラウドサーバーに接続されていません。\n',
    );
    const failedLines = res.stderr.split('\n').filter((l) => l.startsWith('CFGOFF: '));
    const failedFiles = (['config', 'configBin', 'logo'] as const).filter((f) => off?.[f] !== 'ok');
    expect(failedLines).toHaveLength(failedFiles.length);
    expect(res.stderr).not.toMatch(/^CFG[12]: /m);
  });
});

describe('config export of an AI camera', () => {
  it('lists each refused file with the API words and the AI-camera hint, and exits 3', async () => {
    expect((await emu.op('POST', '/devices', { serialNo: 'CFGCAM', kind: 'aicamera' })).status).toBe(201);
    const dir = tmp();
    const res = await runCli(['config', 'export', '--serial', 'CFG1', '--serial', 'CFGCAM', '--dir', dir], { env });
    expect(res.code).toBe(3);
    const lines = res.stderr.split('\n').filter((l) => l.startsWith('CFGCAM: '));
    expect(lines).toEqual(
      ['config.json', 'config.bin', 'logo.png'].map(
        (f) =>
          `CFGCAM: ${f}: device: デバイス[CFGCAM]がエラーを返却しています。 (AI cameras do not support the settings APIs)`,
      ),
    );
    // Other failures get no such hint.
    const off = await runCli(['config', 'export', '--serial', 'CFGOFF', '--dir', dir], { env });
    expect(off.stderr).toContain('CFGOFF: config.json: ');
    expect(off.stderr).not.toContain('AI cameras');
  });
});

describe('config diff and apply', () => {
  it('diff lists differing keys (exit 0, or 1 with --exit-code); apply sends only those and reports updated', async () => {
    const dir = tmp();
    const file = join(dir, 'config.json');
    const current = await getConfig('CFG2');
    const volume = Number(current.deviceAudioVolume) === 37 ? 38 : 37;
    writeFileSync(file, JSON.stringify({ ...current, deviceAudioVolume: volume }));

    const diff = await runCli(['config', 'diff', file, '--serial', 'CFG2', '-o', 'json'], { env });
    expect(diff.code, diff.stderr).toBe(0);
    expect(JSON.parse(diff.stdout)).toEqual([
      { key: 'deviceAudioVolume', file: volume, device: current.deviceAudioVolume },
    ]);
    expect((await runCli(['config', 'diff', file, '--serial', 'CFG2', '--exit-code'], { env })).code).toBe(1);

    const dry = await runCli(['config', 'apply', file, '--serial', 'CFG2', '--dry-run', '-o', 'json'], { env });
    expect(dry.code, dry.stderr).toBe(0);
    // The same changes as `config diff`, the file's value as in the file (a number, not the wire's string).
    expect(JSON.parse(dry.stdout)[0]).toEqual({
      serialNo: 'CFG2',
      changes: JSON.parse(diff.stdout),
      updated: [],
      errored: [],
    });
    expect((await getConfig('CFG2')).deviceAudioVolume).toEqual(current.deviceAudioVolume);

    const applied = await runCli(['config', 'apply', file, '--serial', 'CFG2', '-o', 'json'], { env });
    expect(applied.code, applied.stderr).toBe(0);
    expect(JSON.parse(applied.stdout)[0]).toMatchObject({
      serialNo: 'CFG2',
      changes: [{ key: 'deviceAudioVolume', file: volume, device: current.deviceAudioVolume }],
      updated: ['deviceAudioVolume'],
      errored: [],
    });
    expect(Number((await getConfig('CFG2')).deviceAudioVolume)).toBe(volume);
    expect(applied.stderr).toMatch(/ignored read-only settings: .*netEth0MacAddress/);

    const again = await runCli(['config', 'diff', file, '--serial', 'CFG2', '--exit-code'], { env });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('no differences');
  });

  it("diff of another device's backup lists only what apply can set; the read-only values that differ (MAC address) are named on stderr", async () => {
    const dir = tmp();
    const file = join(dir, 'config.json');
    const other = await getConfig('CFG2');
    writeFileSync(file, JSON.stringify({ ...other, netEth0MacAddress: '00:11:22:33:44:55' }));
    const diff = await runCli(['config', 'diff', file, '--serial', 'CFG2', '-o', 'json', '--exit-code'], { env });
    expect(diff.code, diff.stderr).toBe(0);
    expect(JSON.parse(diff.stdout)).toEqual([]);
    expect(diff.stderr).toContain(
      '1 read-only value(s) differ and are not listed (netEth0MacAddress): config apply cannot set them',
    );
  });

  it('a value outside the documented range, or an unknown key, stops apply before anything is sent', async () => {
    const dir = tmp();
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ deviceAudioVolume: 101, noSuchSetting: 1 }));
    const { body: before } = await emu.op('GET', '/requests');
    const res = await runCli(['config', 'apply', bad, '--serial', 'CFG1'], { env });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('deviceAudioVolume');
    expect(res.stderr).toContain('noSuchSetting');
    const { body: after } = await emu.op('GET', '/requests');
    expect(after.requests.length).toBe(before.requests.length);
  });

  it('an unreachable device makes apply exit 3 and says which one', async () => {
    const dir = tmp();
    const file = join(dir, 'one.json');
    writeFileSync(file, JSON.stringify({ deviceAudioVolume: 12 }));
    const res = await runCli(['config', 'apply', file, '--serial', 'CFG1', '--serial', 'CFGOFF', '-o', 'json'], {
      env,
    });
    expect(res.code).toBe(3);
    const outcomes = JSON.parse(res.stdout) as { serialNo: string; updated: string[]; error?: string }[];
    expect(outcomes.find((o) => o.serialNo === 'CFG1')?.updated).toEqual(['deviceAudioVolume']);
    expect(outcomes.find((o) => o.serialNo === 'CFGOFF')?.error).toBeTruthy();
    expect(res.stderr).toContain('CFGOFF: device: デバイス[CFGOFF]はクラウドサーバーに接続されていません。\n');
    expect(res.stderr).not.toMatch(/^CFG1: /m);
  });

  it('keys a device refused are listed on stderr, per device', async () => {
    expect((await emu.op('POST', '/devices', { serialNo: 'CFGCUT' })).status).toBe(201);
    expect((await emu.op('PATCH', '/devices/CFGCUT', { failAfter: 1 })).status).toBe(200);
    const dir = tmp();
    const file = join(dir, 'two.json');
    writeFileSync(file, JSON.stringify({ deviceAudioVolume: 13, deviceScreenBrightness: 41 }));
    const res = await runCli(['config', 'apply', file, '--serial', 'CFGCUT', '-o', 'json'], { env });
    expect(res.code).toBe(3);
    const [outcome] = JSON.parse(res.stdout) as { updated: string[]; errored: string[] }[];
    expect(outcome.updated).toHaveLength(1);
    expect(outcome.errored).toHaveLength(1);
    expect(res.stderr).toContain(`CFGCUT: setConfig errored: ${outcome.errored[0]}\n`);
  });
});
