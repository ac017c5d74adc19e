/**
 * Pictures as the terminal will see them (issue 9 §5), through the CLI against the emulator: phone
 * photos stored sideways with an EXIF Orientation tag, CMYK JPEGs, and things that are not pictures
 * (empty files, FIFOs, folders, devices) for every flag that reads a file.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import type { TestEmulator } from '../../helpers/emulator.js';
import { emulatorWithDevices, requestedPaths } from './emulator-setup.js';
import { PICTURES, tempDir } from './fixtures.js';

const UPRIGHT = join(PICTURES, 'face-astronaut.jpg');

/** The upright face stored sideways (pixels turned 90° left), optionally tagged Orientation 6 as a phone does. */
async function sideways(tagged: boolean): Promise<Buffer> {
  const turned = await sharp(UPRIGHT).rotate(-90).jpeg({ quality: 90 }).toBuffer();
  return tagged ? sharp(turned).withMetadata({ orientation: 6 }).jpeg({ quality: 90 }).toBuffer() : turned;
}

async function cmyk(): Promise<Buffer> {
  return sharp(join(PICTURES, 'face-cameraman.jpg')).toColourspace('cmyk').jpeg().toBuffer();
}

function cliEnv(emu: TestEmulator) {
  return { FACETCTL_HOST: emu.url, FACETCTL_TOKEN: emu.token };
}

async function checkPicture(emu: TestEmulator, file: string) {
  return runCli(['person', 'check-picture', '--picture', file, '-o', 'json'], { env: cliEnv(emu) });
}

describe('pictures as the terminal sees them (faces: basic)', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await emulatorWithDevices({ faces: 'basic', latencyMs: 1, serials: ['EMU0001'] });
  });
  afterAll(async () => {
    await emu.close();
  });

  it('the emulator analyses the stored pixels: a sideways photo tagged Orientation 6 is judged like the same pixels untagged', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'tagged.jpg'), await sideways(true));
    writeFileSync(join(dir, 'untagged.jpg'), await sideways(false));
    const untagged = await checkPicture(emu, join(dir, 'untagged.jpg'));
    const tagged = await checkPicture(emu, join(dir, 'tagged.jpg'));
    expect([tagged.code, tagged.stdout, tagged.stderr]).toEqual([untagged.code, untagged.stdout, untagged.stderr]);
  });

  it('the emulator refuses a CMYK JPEG, which a terminal does not decode', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'cmyk.jpg'), await cmyk());
    const res = await checkPicture(emu, join(dir, 'cmyk.jpg'));
    expect(res.code).not.toBe(0);
  });

  it('the import flags a sideways-tagged photo and a CMYK JPEG with the fix to apply; --fix-pictures makes them pass', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'phone.jpg'), await sideways(true));
    writeFileSync(join(dir, 'cmyk.jpg'), await cmyk());
    const file = join(dir, 'persons.csv');
    writeFileSync(
      file,
      'personCode,personName,picture,serialNos\nP1,phone,phone.jpg,EMU0001\nP2,print,cmyk.jpg,EMU0001\n',
    );
    const refused = await runCli(['person', 'import', file], { env: cliEnv(emu) });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'row 2, picture: phone.jpg is stored on its side (turned 90° left) with an EXIF Orientation 6 tag',
    );
    expect(refused.stderr).toMatch(/row 2, picture: .*terminals use the stored pixels.*\(--fix-pictures converts it\)/);
    expect(refused.stderr).toContain(
      'row 3, picture: cmyk.jpg is a CMYK JPEG, which terminals do not decode (they take RGB/YCbCr) (--fix-pictures converts it)',
    );
    const fixed = await runCli(['person', 'import', file, '--fix-pictures'], { env: cliEnv(emu) });
    expect(fixed.stderr).not.toContain('failed:');
    expect(fixed.code).toBe(0);
  });
});

describe('not a picture: empty files, FIFOs, folders and devices are refused at once (exit 2)', () => {
  let emu: TestEmulator;
  let dir: string;
  beforeAll(async () => {
    emu = await emulatorWithDevices({ faces: 'off', latencyMs: 1, serials: ['EMU0001'] });
    dir = tempDir();
    writeFileSync(join(dir, 'empty.jpg'), '');
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    mkdirSync(join(dir, 'folder.jpg'));
    copyFileSync(UPRIGHT, join(dir, 'ok.jpg'));
  });
  afterAll(async () => {
    await emu.close();
  });

  it('--picture: an empty file says it is empty (not "is required")', async () => {
    const res = await checkPicture(emu, join(dir, 'empty.jpg'));
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('is empty (0 bytes)');
    expect(res.stderr).not.toContain('is required');
  });

  it.each([
    ['a FIFO', 'fifo', 'is a named pipe (FIFO), not a file'],
    ['a folder', 'folder.jpg', 'is a folder, not a file'],
    ['a device', '/dev/null', 'is a device, not a file'],
  ])('--picture: %s is refused at once', async (_what, name, why) => {
    const path = name.startsWith('/') ? name : join(dir, name);
    await emu.op('DELETE', '/requests');
    const res = await checkPicture(emu, path);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(why);
    expect(await requestedPaths(emu)).toEqual([]);
  });

  it('every other flag that reads a file refuses a FIFO the same way: --ca-cert, api -f @file, the CSV, its pictures, config files', async () => {
    const fifo = join(dir, 'fifo');
    const env = cliEnv(emu);
    const ca = await runCli(['device', 'list', '--ca-cert', fifo], { env });
    expect(ca.code).toBe(2);
    expect(ca.stderr).toContain('is a named pipe (FIFO), not a file');

    const api = await runCli(['api', 'person/checkPersonPicture', '-f', `picture=@${fifo}`], { env });
    expect(api.code).toBe(2);
    expect(api.stderr).toContain('is a named pipe (FIFO), not a file');

    const csvFifo = await runCli(['person', 'import', fifo], { env });
    expect(csvFifo.code).toBe(2);
    expect(csvFifo.stderr).toContain('is a named pipe (FIFO), not a file');

    const csv = join(dir, 'persons.csv');
    writeFileSync(csv, 'personCode,personName,picture\nA1,a,fifo\nA2,b,empty.jpg\n');
    const rows = await runCli(['person', 'import', csv], { env });
    expect(rows.code).toBe(2);
    expect(rows.stderr).toContain('row 2, picture: fifo is a named pipe (FIFO), not a file');
    expect(rows.stderr).toContain('row 3, picture: empty.jpg is empty (0 bytes)');

    const config = await runCli(['config', 'apply', fifo, '--serial', 'EMU0001', '--dry-run'], { env });
    expect(config.code).toBe(2);
    expect(config.stderr).toContain('is a named pipe (FIFO), not a file');
  });
});
