/**
 * `facetctl person import` through the CLI (in-process): flags, exit codes, stderr/stdout, the
 * report file, pictures checked and fixed by the cloud, dry runs, encodings.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWholeJpeg } from '../../../src/core/jpeg-structure.js';
import { endpointById } from '../../../src/registry/index.js';
import { runCli } from '../../helpers/cli.js';
import type { TestEmulator } from '../../helpers/emulator.js';
import { clientFor, emulatorWithDevices, requestedPaths } from './emulator-setup.js';
import { csv, FIXTURES, PICTURES, syntheticJpeg, tempDir } from './fixtures.js';

const DEVICES = ['EMU0001', 'EMU0002'];

function cliEnv(emu: TestEmulator) {
  return { FACETCTL_HOST: emu.url, FACETCTL_TOKEN: emu.token };
}

async function cloudPerson(emu: TestEmulator, personCode: string, serialNo = DEVICES[0]) {
  const client = clientFor(emu);
  try {
    return await client.json(endpointById('person.getPerson')!, { serialNo, personCode, includePicture: '1' });
  } finally {
    await client.close();
  }
}

/** Empties the emulator and creates the devices again. */
async function freshDevices(emu: TestEmulator): Promise<void> {
  await emu.op('POST', '/reset');
  for (const serialNo of DEVICES) await emu.op('POST', '/devices', { serialNo, latencyMs: 1 });
}

function fixtureDir(): string {
  const dir = tempDir();
  for (const f of [
    'face-astronaut.jpg',
    'face-cameraman.jpg',
    'noface-cat.jpg',
    'persons-cp932.csv',
    'persons-bom.csv',
    'persons-quoted-newline.csv',
  ]) {
    copyFileSync(join(f.endsWith('.jpg') ? PICTURES : FIXTURES, f), join(dir, f));
  }
  return dir;
}

describe('facetctl person import (faces: off)', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await emulatorWithDevices({ faces: 'off', latencyMs: 1, serials: ['EMU0001', 'EMU0002'] });
  });
  afterAll(async () => {
    await emu.close();
  });

  it('--template prints a header and an example row that validate', async () => {
    const res = await runCli(['person', 'import', '--template']);
    expect(res.code).toBe(0);
    const [header, example, ...rest] = res.stdout.trimEnd().split('\n');
    expect(rest).toEqual([]);
    expect(header.split(',')).toContain('personCode');
    expect(header.split(',')).toContain('accessTimeFrom_1');
    expect(example.split(',')[0]).toBe('F00001');
    expect(res.stderr).toBe('');
  });

  it.each([
    ['CP932', 'persons-cp932.csv', 'CP932 (Shift_JIS) (detected), comma-separated'],
    ['UTF-8 with BOM', 'persons-bom.csv', 'UTF-8 (BOM), comma-separated'],
  ])('imports a %s CSV with Japanese names intact', async (_what, file, encoding) => {
    await freshDevices(emu);
    const dir = fixtureDir();
    const res = await runCli(['person', 'import', join(dir, file), '--report', join(dir, 'report.csv')], {
      env: cliEnv(emu),
    });
    expect(res.stderr).not.toMatch(/failed:/);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain(`Import: 3 rows (${encoding}), 2 device(s)`);
    // No terminal: no spinner, no escape sequences.
    expect(res.stderr).not.toMatch(/\u001b\[/);
    const j002 = await cloudPerson(emu, 'J002', 'EMU0002');
    expect(j002.cloud).toMatchObject({
      personName: '佐藤 花子',
      sex: 'female',
      birthday: '1991/04/01',
      memo: '営業部, 東京',
    });
    expect(j002.device).toMatchObject({ personName: '佐藤 花子' });
    const j003 = await cloudPerson(emu, 'J003', 'EMU0002');
    expect(j003.cloud.personName).toBe('髙橋 﨑子');
    expect(j003.device.personName).toBe('髙橋 﨑子');
    const report = parse(readFileSync(join(dir, 'report.csv')), { columns: true }) as Record<string, string>[];
    expect(report.map((r) => [r.row, r.personCode, r.serialNo, r.status])).toEqual([
      ['2', 'J001', 'EMU0001', 'ok'],
      ['3', 'J002', 'EMU0001', 'ok'],
      ['3', 'J002', 'EMU0002', 'ok'],
      ['4', 'J003', 'EMU0002', 'ok'],
    ]);
    expect(report[0]).toMatchObject({ step: 'toDevice', message: '人物がデバイスに登録されました。' });
  });

  it('imports quoted multi-line fields and reports the invalid row by its spreadsheet number (exit 3 with --skip-invalid)', async () => {
    // The fixture pictures are already on the devices under other codes: the emulator would call them duplicates.
    await freshDevices(emu);
    const dir = fixtureDir();
    const refused = await runCli(['person', 'import', join(dir, 'persons-quoted-newline.csv')], { env: cliEnv(emu) });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('row 5, picture: is required');
    // The file's own problems need no cloud: a rejected token does not hide them.
    const badToken = await runCli(['person', 'import', join(dir, 'persons-quoted-newline.csv')], {
      env: { ...cliEnv(emu), FACETCTL_TOKEN: 'B'.repeat(64) },
    });
    expect(badToken.code).toBe(2);
    expect(badToken.stderr).toContain('row 5, picture: is required');
    // The headline says how many rows, how the file was read, and that --skip-invalid exists.
    expect(refused.stderr.split('\n')[0]).toMatch(
      /^error: 1 invalid row \(read as UTF-8.*\); nothing was sent \(--skip-invalid imports the valid ones\)$/,
    );

    const res = await runCli(
      ['person', 'import', join(dir, 'persons-quoted-newline.csv'), '--skip-invalid', '--report', '-'],
      {
        env: cliEnv(emu),
      },
    );
    expect(res.code).toBe(3);
    const report = parse(res.stdout, { columns: true }) as Record<string, string>[];
    expect(report.map((r) => [r.row, r.personCode, r.status])).toEqual([
      ['2', 'Q001', 'ok'],
      ['3', 'Q002', 'ok'],
      ['4', 'Q003', 'ok'],
      ['5', 'Q004', 'invalid'],
    ]);
    expect(report[3].message).toBe('picture: is required: a JPEG file (or recogLogSerialNo and recogLogId)');
    // stderr calls it what the report and the summary call it: invalid (not "skipped", a status of its own).
    expect(res.stderr).toContain('invalid, not imported: row 5, picture: is required');
    expect(res.stderr).not.toMatch(/^skipped: row 5/m);
    expect((await cloudPerson(emu, 'Q001')).cloud).toMatchObject({
      personName: 'Smith, John',
      memo: 'line one\nline two',
    });
    expect((await cloudPerson(emu, 'Q003')).device.personName).toBe('田中 次郎');
  });

  it('sends nothing for an invalid file and names every bad row and field (exit 2)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.jpg'), await syntheticJpeg(1));
    const file = join(dir, 'bad.csv');
    writeFileSync(
      file,
      csv(
        ['personCode', 'personName', 'birthday', 'picture', 'serialNos'],
        [
          ['V1', 'ok', '2001/13/01', 'a.jpg', 'EMU0001'],
          ['V2', 'ok', '', 'nope.jpg', 'EMU0001'],
          ['V3', 'ok', '', 'a.jpg', 'NOSUCHDEVICE'],
        ],
      ),
    );
    await emu.op('DELETE', '/requests');
    const res = await runCli(['person', 'import', file, '--report', '-'], { env: cliEnv(emu) });
    expect(res.code).toBe(2);
    const report = parse(res.stdout, { columns: true }) as Record<string, string>[];
    expect(report.map((r) => [r.row, r.personCode, r.status, r.step])).toEqual([
      ['2', 'V1', 'invalid', 'validate'],
      ['3', 'V2', 'invalid', 'validate'],
      ['4', 'V3', 'invalid', 'validate'],
    ]);
    expect(report[2]).toMatchObject({
      serialNo: 'NOSUCHDEVICE',
      message: "serialNos: device 'NOSUCHDEVICE' is not in the cloud's device list",
    });
    expect(res.stderr).toContain('row 2, birthday: must be a real date in the form YYYY/MM/DD');
    expect(res.stderr).toContain('row 3, picture: file not found: nope.jpg');
    expect(res.stderr).toContain("row 4, serialNos: device 'NOSUCHDEVICE' is not in the cloud's device list");
    expect(await requestedPaths(emu)).toEqual(['/api1/device/getDevice']);
  });

  it('refuses unknown columns unless told to ignore them', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.jpg'), await syntheticJpeg(2));
    const file = join(dir, 'extra.csv');
    writeFileSync(file, csv(['personCode', 'personName', 'picture', 'Department'], [['U1', 'u', 'a.jpg', 'HR']]));
    const refused = await runCli(['person', 'import', file], { env: cliEnv(emu) });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('row 1, Department: unknown column');
    const ok = await runCli(['person', 'import', file, '--ignore-unknown-columns'], { env: cliEnv(emu) });
    expect(ok.code).toBe(0);
  });

  it('--dry-run checks pictures with the cloud and sends nothing that changes state', async () => {
    const dir = tempDir();
    for (let i = 0; i < 3; i++) writeFileSync(join(dir, `d${i}.jpg`), await syntheticJpeg(100 + i));
    const file = join(dir, 'dry.csv');
    writeFileSync(
      file,
      csv(
        ['personCode', 'personName', 'picture', 'accessFlag_1', 'accessTimeFrom_1', 'accessTimeTo_1'],
        [0, 1, 2].map((i) => [`DRY${i}`, `d${i}`, `d${i}.jpg`, '1', '2024/04/01 00:00:00', '2024/05/01 00:00:00']),
      ),
    );
    await emu.op('DELETE', '/requests');
    const res = await runCli(['person', 'import', file, '--serial', 'EMU0001', '--dry-run', '--report', '-'], {
      env: cliEnv(emu),
    });
    expect(res.code).toBe(0);
    const paths = await requestedPaths(emu);
    expect(paths.filter((p) => p === '/api1/person/checkPersonPicture')).toHaveLength(3);
    expect(new Set(paths)).toEqual(new Set(['/api1/device/getDevice', '/api1/person/checkPersonPicture']));
    const report = parse(res.stdout, { columns: true }) as Record<string, string>[];
    expect(report[0].message).toBe('dry run: would send registPersonForCloud, registPersonAcessTimeForCloud, toDevice');
    expect((await cloudPerson(emu, 'DRY0')).cloud).toBeNull();
  });

  it('--fix-pictures sends a PNG and an EXIF-rotated JPEG as upright JPEGs; the files stay as they were', async () => {
    const dir = tempDir();
    const png = await sharp(join(PICTURES, 'face-astronaut.jpg')).png().toBuffer();
    writeFileSync(join(dir, 'face.png'), png);
    const rotated = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#884422' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    writeFileSync(join(dir, 'rotated.jpg'), rotated);
    const file = join(dir, 'fix.csv');
    writeFileSync(
      file,
      csv(
        ['personCode', 'personName', 'picture', 'serialNos'],
        [
          ['FIX1', 'png', 'face.png', 'EMU0001'],
          ['FIX2', 'exif', 'rotated.jpg', 'EMU0001'],
        ],
      ),
    );

    const refused = await runCli(['person', 'import', file], { env: cliEnv(emu) });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('row 2, picture: face.png is not a JPEG (PNG) (--fix-pictures converts it)');

    const res = await runCli(['person', 'import', file, '--fix-pictures'], { env: cliEnv(emu) });
    expect(res.code).toBe(0);
    const fix1 = await cloudPerson(emu, 'FIX1');
    const sent1 = await sharp(Buffer.from(fix1.cloud.picture, 'base64')).metadata();
    expect(sent1.format).toBe('jpeg');
    expect(fix1.device.personName).toBe('png');
    const fix2 = await cloudPerson(emu, 'FIX2');
    const sent2 = await sharp(Buffer.from(fix2.cloud.picture, 'base64')).metadata();
    expect([sent2.width, sent2.height, sent2.orientation ?? 1]).toEqual([200, 300, 1]);
    expect(readFileSync(join(dir, 'face.png')).equals(png)).toBe(true);
    expect(readFileSync(join(dir, 'rotated.jpg')).equals(rotated)).toBe(true);
  });

  it('retries injected maintenance answers and connection resets, and still imports every row', async () => {
    const dir = tempDir();
    const rows = [];
    for (let i = 0; i < 12; i++) {
      writeFileSync(join(dir, `f${i}.jpg`), await syntheticJpeg(200 + i));
      rows.push([`FLT${i}`, `flaky ${i}`, `f${i}.jpg`, 'EMU0001;EMU0002']);
    }
    const file = join(dir, 'flaky.csv');
    writeFileSync(file, csv(['personCode', 'personName', 'picture', 'serialNos'], rows));
    await emu.op('DELETE', '/requests');
    // Seeded, but the calls run concurrently, so which call meets which draw varies from run to
    // run: the rates and --retries are chosen so that a call failing every attempt is negligible
    // (about 0.28^11 per call), while a run that meets no fault at all is too (0.85^60).
    await emu.op('POST', '/faults', { path: '/api1/person/', status: 503, rate: 0.15, seed: 7 });
    await emu.op('POST', '/faults', { path: '/api1/person/toDevice', resetRate: 0.15, seed: 11 });
    try {
      const res = await runCli(['person', 'import', file, '--retries', '10'], { env: cliEnv(emu) });
      expect(res.stderr).not.toMatch(/failed:/);
      expect(res.code).toBe(0);
      const statuses = (await emu.op('GET', '/requests')).body.requests.map((r: { status: number }) => r.status);
      expect(statuses).toContain(503);
    } finally {
      await emu.op('DELETE', '/faults');
    }
    for (const code of ['FLT0', 'FLT11'])
      expect((await cloudPerson(emu, code, 'EMU0002')).device.personName).toMatch(/^flaky/);
  });

  it('a re-run skips what is done, and a changed row is sent again', async () => {
    const dir = tempDir();
    for (let i = 0; i < 3; i++) writeFileSync(join(dir, `r${i}.jpg`), await syntheticJpeg(300 + i));
    const file = join(dir, 'rerun.csv');
    const write = (name1: string) =>
      writeFileSync(
        file,
        csv(
          ['personCode', 'personName', 'picture', 'serialNos'],
          [
            ['RR0', 'a', 'r0.jpg', 'EMU0001'],
            ['RR1', name1, 'r1.jpg', 'EMU0001'],
            ['RR2', 'c', 'r2.jpg', 'EMU0001'],
          ],
        ),
      );
    write('b');
    expect((await runCli(['person', 'import', file], { env: cliEnv(emu) })).code).toBe(0);
    await emu.op('DELETE', '/requests');
    const same = await runCli(['person', 'import', file, '--report', '-'], { env: cliEnv(emu) });
    expect(same.code).toBe(0);
    expect((parse(same.stdout, { columns: true }) as Record<string, string>[]).map((r) => r.status)).toEqual([
      'skipped',
      'skipped',
      'skipped',
    ]);
    expect(await requestedPaths(emu)).toEqual(['/api1/device/getDevice']);

    write('b, renamed');
    await emu.op('DELETE', '/requests');
    expect((await runCli(['person', 'import', file], { env: cliEnv(emu) })).code).toBe(0);
    expect(await requestedPaths(emu)).toEqual([
      '/api1/device/getDevice',
      '/api1/person/checkPersonPicture',
      '/api1/person/registPersonForCloud',
      '/api1/person/toDevice',
    ]);
    expect((await cloudPerson(emu, 'RR1')).device.personName).toBe('b, renamed');
  });

  it('--no-override leaves a person already on the device and reports it skipped', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'o.jpg'), await syntheticJpeg(400));
    await emu.op('POST', '/device-persons', { serialNo: 'EMU0001', personCode: 'OVR1', personName: 'already here' });
    const file = join(dir, 'o.csv');
    writeFileSync(
      file,
      csv(['personCode', 'personName', 'picture', 'serialNos'], [['OVR1', 'from csv', 'o.jpg', 'EMU0001']]),
    );
    const res = await runCli(['person', 'import', file, '--no-override', '--report', '-'], { env: cliEnv(emu) });
    expect(res.code).toBe(0);
    const [line] = parse(res.stdout, { columns: true }) as Record<string, string>[];
    expect(line).toMatchObject({ status: 'skipped', step: 'toDevice' });
    expect(line.message).toMatch(/override/);
    expect((await cloudPerson(emu, 'OVR1')).device.personName).toBe('already here');
  });
});

describe('facetctl person import (faces: basic)', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await emulatorWithDevices({ faces: 'basic', latencyMs: 1, serials: DEVICES });
  });
  afterAll(async () => {
    await emu.close();
  });

  it("fails a row whose picture the cloud's check rejects, with the API message, and never sends it to a device", async () => {
    const dir = fixtureDir();
    const file = join(dir, 'faces.csv');
    writeFileSync(
      file,
      csv(
        ['personCode', 'personName', 'picture', 'serialNos'],
        [
          ['FACE1', 'astronaut', 'face-astronaut.jpg', 'EMU0001'],
          ['CAT1', 'cat', 'noface-cat.jpg', 'EMU0001'],
        ],
      ),
    );
    await emu.op('DELETE', '/requests');
    const res = await runCli(['person', 'import', file, '--report', join(dir, 'r.csv')], { env: cliEnv(emu) });
    expect(res.code).toBe(3);
    const report = parse(readFileSync(join(dir, 'r.csv')), { columns: true }) as Record<string, string>[];
    expect(report[0]).toMatchObject({ personCode: 'FACE1', status: 'ok' });
    expect(report[1]).toMatchObject({
      row: '3',
      personCode: 'CAT1',
      serialNo: 'EMU0001',
      status: 'failed',
      step: 'checkPersonPicture',
    });
    expect(report[1].message).toMatch(/顔/);
    expect(res.stderr).toContain(`failed: row 3, CAT1, device EMU0001, checkPersonPicture: ${report[1].message}`);
    expect((await cloudPerson(emu, 'CAT1')).cloud).toBeNull();
    const toDevice = (await emu.op('GET', '/requests')).body.requests.filter((r: { path: string }) =>
      r.path.endsWith('/toDevice'),
    );
    expect(toDevice).toHaveLength(1);

    // --no-remote-check: the cloud stores it, and the device refuses it with the documented message.
    const again = await runCli(['person', 'import', file, '--no-remote-check', '--report', '-'], { env: cliEnv(emu) });
    expect(again.code).toBe(3);
    const lines = parse(again.stdout, { columns: true }) as Record<string, string>[];
    expect(lines[1]).toMatchObject({ personCode: 'CAT1', status: 'failed', step: 'toDevice' });
    expect(lines[1].message).toMatch(/顔/);
  });
});

describe('facetctl person import: a picture whole in its markers, garbled in its data (faces: off)', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await emulatorWithDevices({ faces: 'off', latencyMs: 1, serials: ['EMU0001'] });
  });
  afterAll(async () => {
    await emu.close();
  });

  /**
   * face-cameraman.jpg with the one symbol of its chroma AC table (end-of-block) changed to 0x05: every
   * marker stays valid, but every chroma block decodes as garbage, and sharp gives up on the picture.
   */
  async function garbledWhole(dir: string): Promise<void> {
    const bytes = Buffer.from(readFileSync(join(PICTURES, 'face-cameraman.jpg')));
    const table = bytes.indexOf(Buffer.from([0xff, 0xc4, 0x00, 0x14, 0x11, 0x01]));
    expect(table).toBeGreaterThan(0);
    bytes[table + 21] = 0x05;
    expect(isWholeJpeg(bytes)).toBe(true);
    await expect(sharp(bytes, { failOn: 'error' }).resize(32, 32, { fit: 'inside' }).raw().toBuffer()).rejects.toThrow(
      /Corrupt JPEG data/,
    );
    writeFileSync(join(dir, 'garbled.jpg'), bytes);
  }

  /** A folder with the garbled picture, the fixtures and a CSV of these persons (code, picture); its path. */
  async function personsFile(persons: [string, string][]): Promise<string> {
    const dir = fixtureDir();
    await garbledWhole(dir);
    const file = join(dir, 'p.csv');
    const rows = persons.map(([code, pic]) => [code, code.toLowerCase(), pic, 'EMU0001']);
    writeFileSync(file, csv(['personCode', 'personName', 'picture', 'serialNos'], rows));
    await emu.op('DELETE', '/requests');
    return file;
  }

  it("the local check does not decode it; the cloud's checkPersonPicture refuses that row alone (exit 3)", async () => {
    const file = await personsFile([
      ['G1', 'garbled.jpg'],
      ['F1', 'face-astronaut.jpg'],
    ]);
    const res = await runCli(['person', 'import', file, '--report', '-'], { env: cliEnv(emu) });
    expect(res.code).toBe(3);
    const report = parse(res.stdout, { columns: true }) as Record<string, string>[];
    expect(report.map((r) => [r.personCode, r.status, r.step])).toEqual([
      ['G1', 'failed', 'checkPersonPicture'],
      ['F1', 'ok', 'toDevice'],
    ]);
    const toDevice = (await emu.op('GET', '/requests')).body.requests.filter((r: { path: string }) =>
      r.path.endsWith('/toDevice'),
    );
    expect(toDevice).toHaveLength(1);
  });

  it('with --no-remote-check every picture is decoded locally: the file is refused before anything is sent (exit 2)', async () => {
    const file = await personsFile([
      ['F1', 'face-astronaut.jpg'],
      ['G1', 'garbled.jpg'],
    ]);
    const res = await runCli(['person', 'import', file, '--no-remote-check'], { env: cliEnv(emu) });
    expect(res.code).toBe(2);
    // sharp's own words vary ("Corrupt JPEG data…", or "Unknown error" when libvips' message is lost
    // while other pictures decode at the same time): the row, the field and the verdict do not.
    expect(res.stderr).toContain('row 3, picture: garbled.jpg cannot be decoded as a JPEG: ');
    expect(await requestedPaths(emu)).toEqual(['/api1/device/getDevice']);
  });
});

describe('facetctl person import, interrupted', () => {
  it('Ctrl-C stops scheduling, journals what finished, exits 130; the same command then finishes the job', async () => {
    const emu = await emulatorWithDevices({ faces: 'off', latencyMs: 5, serials: DEVICES });
    try {
      const dir = tempDir();
      const rows = [];
      for (let i = 0; i < 40; i++) {
        writeFileSync(join(dir, `c${i}.jpg`), await syntheticJpeg(500 + i));
        rows.push([`CTRL${i}`, `ctrl ${i}`, `c${i}.jpg`, DEVICES.join(';')]);
      }
      const file = join(dir, 'ctrl.csv');
      writeFileSync(file, csv(['personCode', 'personName', 'picture', 'serialNos'], rows));
      const journal = `${file}.facetctl-journal.ndjson`;
      const ac = new AbortController();
      const lines = () => {
        try {
          return readFileSync(journal, 'utf8').split('\n').length - 1;
        } catch {
          return 0;
        }
      };
      const running = runCli(['person', 'import', file], { env: cliEnv(emu), signal: ac.signal });
      // Interrupt once some steps are journaled (the journal is the only sign of progress from outside).
      while (lines() < 10) await new Promise((r) => setTimeout(r, 2));
      ac.abort();
      const res = await running;
      expect(res.code).toBe(130);
      expect(res.stderr).toMatch(/run the same command again to finish/);
      const journaled = lines();
      expect(journaled).toBeGreaterThanOrEqual(10);
      expect(journaled).toBeLessThan(40 * 4);

      await emu.op('DELETE', '/requests');
      const again = await runCli(['person', 'import', file, '--report', '-'], { env: cliEnv(emu) });
      expect(again.code).toBe(0);
      expect(lines()).toBe(40 * 4);
      const sent = (await requestedPaths(emu)).filter((p) => p !== '/api1/device/getDevice');
      expect(sent.length).toBe(40 * 4 - journaled);
      const client = clientFor(emu);
      try {
        for (const serialNo of DEVICES) {
          const page = await client.json(endpointById('person.getPersonFromDevice')!, { serialNo });
          expect(page.rows).toBe(40);
        }
      } finally {
        await client.close();
      }
    } finally {
      await emu.close();
    }
  });
});
