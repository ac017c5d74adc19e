/**
 * CSV files as Japanese sites hand them over (issue 9 §2–§4), through the real CLI against the
 * emulator: encodings decided from evidence, Excel's shapes, picture paths written on Windows/macOS.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { endpointById } from '../../../src/registry/index.js';
import { runCli } from '../../helpers/cli.js';
import type { TestEmulator } from '../../helpers/emulator.js';
import { clientFor, emulatorWithDevices, requestedPaths } from './emulator-setup.js';
import { PICTURES, tempDir } from './fixtures.js';

const DEVICE = 'EMU0001';

function cliEnv(emu: TestEmulator) {
  return { FACETCTL_HOST: emu.url, FACETCTL_TOKEN: emu.token };
}

async function cloudPerson(emu: TestEmulator, personCode: string): Promise<Record<string, unknown> | undefined> {
  const client = clientFor(emu);
  try {
    const got = (await client.json(endpointById('person.getPerson')!, { serialNo: DEVICE, personCode })) as {
      cloud?: Record<string, unknown>;
    };
    return got.cloud;
  } catch {
    return undefined;
  } finally {
    await client.close();
  }
}

/** A folder with two face pictures, a.jpg and b.jpg. */
function folder(): string {
  const dir = tempDir();
  copyFileSync(join(PICTURES, 'face-astronaut.jpg'), join(dir, 'a.jpg'));
  copyFileSync(join(PICTURES, 'face-cameraman.jpg'), join(dir, 'b.jpg'));
  return dir;
}

describe('person import: files as sites save them', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await emulatorWithDevices({ faces: 'off', latencyMs: 1, serials: [DEVICE] });
  });
  afterAll(async () => {
    await emu.close();
  });
  beforeEach(async () => {
    await emu.op('POST', '/reset');
    await emu.op('POST', '/devices', { serialNo: DEVICE, latencyMs: 1 });
    await emu.op('DELETE', '/requests');
  });

  it('refuses UTF-8 with one invalid byte, naming row, column and byte: nothing stored as mojibake (exit 2)', async () => {
    const dir = folder();
    const file = join(dir, 'persons.csv');
    // printf 'personCode,personName,memo,picture\nM0001,田中 一郎,総務,a.jpg\nM0002,鈴木 二郎,経理\xff,b.jpg\n'
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from('personCode,personName,memo,picture\nM0001,田中 一郎,総務,a.jpg\nM0002,鈴木 二郎,経理'),
        Buffer.from([0xff]),
        Buffer.from(',b.jpg\n'),
      ]),
    );
    const res = await runCli(['person', 'import', file], { env: cliEnv(emu) });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('row 3, column 3 (memo): byte 0xFF');
    expect(res.stderr).toContain('is not valid UTF-8');
    expect(await requestedPaths(emu)).toEqual([]);
    expect(await cloudPerson(emu, 'M0001')).toBeFalsy();
  });

  it('refuses a CP932 file forced to be read as UTF-8, and a CP932 file with an undefined byte', async () => {
    const dir = folder();
    const file = join(dir, 'sjis.csv');
    writeFileSync(file, iconv.encode('personCode,personName,picture\nS1,山田 太郎,a.jpg\n', 'cp932'));
    const forced = await runCli(['person', 'import', file, '--encoding', 'utf8'], { env: cliEnv(emu) });
    expect(forced.code).toBe(2);
    expect(forced.stderr).toMatch(
      /row 2, column 2 \(personName\): byte 0x[0-9A-F]{2}.* is not valid UTF-8, the encoding chosen from --encoding/,
    );
    const broken = join(dir, 'broken.csv');
    writeFileSync(
      broken,
      Buffer.concat([
        iconv.encode('personCode,personName,picture\nS1,山田', 'cp932'),
        Buffer.from([0x80]),
        Buffer.from(',a.jpg\n'),
      ]),
    );
    const res = await runCli(['person', 'import', broken], { env: cliEnv(emu) });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('row 2, column 2 (personName): byte 0x80');
    expect(res.stderr).toContain('is not valid CP932 (Shift_JIS)');
    expect(await requestedPaths(emu)).toEqual([]);
  });

  it('imports Excel\'s "Unicode テキスト" (UTF-16LE with a BOM, tab-separated) and says so', async () => {
    const dir = folder();
    const file = join(dir, 'unicode.txt');
    const text = 'personCode\tpersonName\tmemo\tpicture\tserialNos\r\nU1\t髙橋 﨑子\t総務, 経理\ta.jpg\tEMU0001\r\n';
    writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const res = await runCli(['person', 'import', file], { env: cliEnv(emu) });
    expect(res.stderr).not.toContain('\u0000');
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('Import: 1 rows (UTF-16LE (BOM), tab-separated)');
    expect(await cloudPerson(emu, 'U1')).toMatchObject({ personName: '髙橋 﨑子', memo: '総務, 経理' });
  });

  it('imports UTF-16BE with a BOM, and --encoding utf16le reads UTF-16 without one', async () => {
    const dir = folder();
    const text = 'personCode,personName,picture,serialNos\nB1,佐藤 花子,a.jpg,EMU0001\n';
    const be = join(dir, 'be.csv');
    writeFileSync(be, Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]));
    const res = await runCli(['person', 'import', be], { env: cliEnv(emu) });
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('(UTF-16BE (BOM), comma-separated)');
    expect(await cloudPerson(emu, 'B1')).toMatchObject({ personName: '佐藤 花子' });
    const bare = join(dir, 'bare.csv');
    writeFileSync(bare, Buffer.from(text.replace('B1', 'B2').replace('a.jpg', 'b.jpg'), 'utf16le'));
    const forced = await runCli(['person', 'import', bare, '--encoding', 'utf16le'], { env: cliEnv(emu) });
    expect(forced.code).toBe(0);
    expect(forced.stderr).toContain('(UTF-16LE (forced), comma-separated)');
  });

  it('ignores Excel\'s empty nameless trailing columns, reads CR-only line ends and ="00123" cells', async () => {
    const dir = folder();
    const file = join(dir, 'mac.csv');
    const lines = [
      'personCode,personName,picture,serialNos,,,',
      '="00123",山田 太郎,a.jpg,EMU0001,,,',
      ',,,,,,',
      '"=""00124""",鈴木 一郎,b.jpg,EMU0001,,,',
    ];
    writeFileSync(file, iconv.encode(`${lines.join('\r')}\r`, 'cp932'));
    const res = await runCli(['person', 'import', file], { env: cliEnv(emu) });
    expect(res.stderr).not.toContain('has no name');
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('Import: 2 rows (CP932 (Shift_JIS) (detected), comma-separated)');
    expect(await cloudPerson(emu, '00123')).toMatchObject({ personName: '山田 太郎' });
    expect(await cloudPerson(emu, '00124')).toMatchObject({ personName: '鈴木 一郎' });
  });

  it('still refuses a nameless column that holds data, naming the row', async () => {
    const dir = folder();
    const file = join(dir, 'data.csv');
    writeFileSync(file, 'personCode,personName,picture,\nN1,n,a.jpg,\nN2,m,b.jpg,extra\n');
    const res = await runCli(['person', 'import', file], { env: cliEnv(emu) });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('row 1, column 4: has no name in the header but row 3 has a value in it');
  });

  it('explains an unclosed quote in spreadsheet words, naming the row', async () => {
    const dir = folder();
    const file = join(dir, 'quote.csv');
    writeFileSync(file, 'personCode,personName,picture\nQ1,"Q one,a.jpg\nQ2,two,b.jpg\n');
    const res = await runCli(['person', 'import', file], { env: cliEnv(emu) });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('row 2, column 2: a cell starts with a double quote (") that is never closed');
    expect(res.stderr).not.toMatch(/Quote Not Closed|CSV_QUOTE/);
  });

  it('resolves picture paths written on Windows (backslashes, other case) and NFD names from macOS', async () => {
    const dir = folder();
    mkdirSync(join(dir, 'pictures'));
    copyFileSync(join(PICTURES, 'face-astronaut.jpg'), join(dir, 'pictures', 'F00010.jpg'));
    // macOS writes decomposed names: が = か + ゛ (U+304B U+3099).
    const nfd = 'がっこう.jpg'.normalize('NFD');
    copyFileSync(join(PICTURES, 'face-cameraman.jpg'), join(dir, 'pictures', nfd));
    const file = join(dir, 'win.csv');
    writeFileSync(
      file,
      'personCode,personName,picture,serialNos\r\nF00010,山田 太郎,pictures\\F00010.JPG,EMU0001\r\n' +
        `F00011,鈴木 花子,${'Pictures\\がっこう.jpg'.normalize('NFC')},EMU0001\r\n`,
    );
    const res = await runCli(['person', 'import', file], { env: cliEnv(emu) });
    expect(res.stderr).not.toContain('not found');
    expect(res.code).toBe(0);
    expect(await cloudPerson(emu, 'F00010')).toMatchObject({ personName: '山田 太郎' });
    expect(await cloudPerson(emu, 'F00011')).toMatchObject({ personName: '鈴木 花子' });
  });

  it('names the file that nearly matches when a picture is not found, and ambiguous case matches', async () => {
    const dir = folder();
    mkdirSync(join(dir, 'pictures'));
    copyFileSync(join(PICTURES, 'face-astronaut.jpg'), join(dir, 'pictures', 'F00010.jpeg'));
    copyFileSync(join(PICTURES, 'face-astronaut.jpg'), join(dir, 'pictures', 'X1.jpg'));
    copyFileSync(join(PICTURES, 'face-cameraman.jpg'), join(dir, 'pictures', 'x1.JPG'));
    const file = join(dir, 'near.csv');
    writeFileSync(file, 'personCode,personName,picture\nF1,a,pictures/F00010.jpg\nF2,b,pictures\\x1.jpg\n');
    const res = await runCli(['person', 'import', file], { env: cliEnv(emu) });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(
      'row 2, picture: file not found: pictures/F00010.jpg (did you mean pictures/F00010.jpeg?)',
    );
    expect(res.stderr).toMatch(
      /row 3, picture: file not found: pictures\\x1\.jpg \(pictures\/(X1\.jpg|x1\.JPG) and pictures\/(X1\.jpg|x1\.JPG) differ only in upper\/lower case/,
    );
  });
});
