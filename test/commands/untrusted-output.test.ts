/**
 * Strings from the API are data (issue 10 §4, §5): formula cells neutralised in CSV made for
 * spreadsheets (exports, `-o csv` lists, import reports), control characters and ANSI escapes shown
 * and never run in tables and error lines, and CP932 written the way Windows maps it, with
 * characters CP932 cannot hold named and exit 3 (or replaced by --cp932-replace).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { useCliEmulator } from '../helpers/cli-emulator.js';
import { PICTURES } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp.js';

const setup = useCliEmulator();

const VISITOR = '=HYPERLINK("http://example.invalid/x","来訪者")';

async function device(serialNo: string): Promise<void> {
  expect((await setup.emu.op('POST', '/devices', { serialNo })).status).toBe(201);
}

async function recognizeAs(serialNo: string, personCode: string, personName: string): Promise<void> {
  await setup.emu.op('POST', '/device-persons', { serialNo, personCode, personName });
  expect((await setup.emu.op('POST', '/recognize', { serialNo, personCode })).status).toBe(200);
}

/** The personName cell of the first data line of a CSV. */
function nameCell(csv: string): string {
  const [header, line] = csv.replace(/^\uFEFF/, '').split('\n');
  const col = header.split(',').indexOf('personName');
  // The visitor's name holds commas inside quotes: split on commas outside quotes.
  const cells = line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)?.map((c) => c.replace(/,$/, '')) ?? [];
  return cells[col];
}

describe('CSV formula cells (OWASP CSV injection)', () => {
  it('log recog export: escaped with --bom and --encoding cp932, kept in plain UTF-8, and --csv-formulas forces either way', async () => {
    await device('INJ1');
    await recognizeAs('INJ1', 'V1', VISITOR);
    const base = ['log', 'recog', 'export', '--serial', 'INJ1', '-o', 'csv'];

    const bom = await runCli([...base, '--bom'], { env: setup.env });
    expect(bom.code, bom.stderr).toBe(0);
    expect(nameCell(bom.stdout)).toBe(`"'=HYPERLINK(""http://example.invalid/x"",""来訪者"")"`);

    const sjis = await runCli([...base, '--encoding', 'cp932'], { env: setup.env });
    expect(sjis.code, sjis.stderr).toBe(0);
    expect(nameCell(iconv.decode(sjis.stdoutBytes, 'cp932'))).toMatch(/^"'=HYPERLINK/);

    const plain = await runCli(base, { env: setup.env });
    expect(nameCell(plain.stdout)).toMatch(/^"=HYPERLINK/);

    const kept = await runCli([...base, '--bom', '--csv-formulas', 'keep'], { env: setup.env });
    expect(nameCell(kept.stdout)).toMatch(/^"=HYPERLINK/);

    const forced = await runCli([...base, '--csv-formulas', 'escape'], { env: setup.env });
    expect(nameCell(forced.stdout)).toMatch(/^"'=HYPERLINK/);
    // Numbers stay numbers: the id and temperature columns are untouched.
    expect(forced.stdout.split('\n')[1]).toMatch(/^INJ1,\d+,/);
  });

  it('person list -o csv: kept by default (plain UTF-8 for programs), escaped with --csv-formulas escape', async () => {
    const pic = join(PICTURES, 'face-astronaut.jpg');
    const reg = await runCli(
      ['person', 'register', '--person-code', 'V2', '--person-name', VISITOR, '--picture', pic],
      {
        env: setup.env,
      },
    );
    expect(reg.code, reg.stderr).toBe(0);
    const plain = await runCli(['person', 'list', '--person-code', 'V2', '-o', 'csv'], { env: setup.env });
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toContain('"=HYPERLINK(');
    const escaped = await runCli(['person', 'list', '--person-code', 'V2', '-o', 'csv', '--csv-formulas', 'escape'], {
      env: setup.env,
    });
    expect(escaped.stdout).toContain(`"'=HYPERLINK(""http://example.invalid/x"",""来訪者"")"`);
    expect(escaped.stdout).not.toMatch(/(^|,)"=HYPERLINK/m);
  });

  it('the import --report escapes formula cells with --csv-formulas escape', async () => {
    const dir = tempDir('facetctl-inject-');
    const csv = join(dir, 'persons.csv');
    writeFileSync(csv, `personCode,personName,picture\n=1+2,@SUM(A1),missing.jpg\n`);
    const report = join(dir, 'report.csv');
    const res = await runCli(['person', 'import', csv, '--report', report, '--csv-formulas', 'escape'], {
      env: setup.env,
      cwd: dir,
    });
    expect(res.code).toBe(2);
    const text = readFileSync(report, 'utf8');
    expect(text).toContain("'=1+2");
    expect(text).not.toMatch(/(^|,)=1\+2/m);
  });
});

describe('terminal output', () => {
  it('a table shows control characters and ANSI escapes from API strings as text', async () => {
    await device('ESC1');
    await recognizeAs('ESC1', 'E1', 'evil\u001b[2J\u001b]0;pwned\u0007name\u009b31m\u202e');
    const res = await runCli(['log', 'recog', 'list', '--serial', 'ESC1', '-o', 'table'], { env: setup.env });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).not.toMatch(/[\u001b\u0007\u009b\u202e]/);
    expect(res.stdout).toContain('evil\\x1b[2J\\x1b]0;pwned\\x07name\\x9b31m\\u202e');
  });

  it("an error line shows the API's message without running its escapes", async () => {
    const res = await runCli(['system', 'info', '--serial', 'NO\u001b[31mSUCH1'], { env: setup.env });
    expect(res.code).not.toBe(0);
    expect(res.stderr).not.toContain('\u001b');
    expect(res.stderr).toContain('\\x1b[31m');
  });
});

describe('CP932 output', () => {
  it('maps 〜 (U+301C) and − (U+2212) and the rest of the WAVE DASH set the way Windows does', async () => {
    await device('SJ1');
    await recognizeAs('SJ1', 'W1', '山田〜花子−‖¢£¬—¦');
    const res = await runCli(['log', 'recog', 'export', '--serial', 'SJ1', '-o', 'csv', '--encoding', 'cp932'], {
      env: setup.env,
    });
    expect(res.code, res.stderr).toBe(0);
    const text = iconv.decode(res.stdoutBytes, 'cp932');
    expect(text).toContain('山田～花子－∥￠￡￢―￤');
    expect(text).not.toContain('?');
  });

  it('a character CP932 cannot hold (𠮷, emoji) names the row on stderr and exits 3; --cp932-replace chooses the replacement', async () => {
    await device('SJ2');
    await recognizeAs('SJ2', 'K1', '𠮷田😀');
    const base = ['log', 'recog', 'export', '--serial', 'SJ2', '-o', 'csv', '--encoding', 'cp932'];
    const res = await runCli(base, { env: setup.env });
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/SJ2 log \d+: U\+20BB7 𠮷, U\+1F600 😀 cannot be written in CP932/);
    expect(res.stderr).toContain('1 row(s) held characters CP932 cannot hold (exit 3)');
    expect(iconv.decode(res.stdoutBytes, 'cp932')).toContain('?田?');

    const replaced = await runCli([...base, '--cp932-replace', '〓'], { env: setup.env });
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(iconv.decode(replaced.stdoutBytes, 'cp932')).toContain('〓田〓');
    expect(replaced.stderr).toContain("1 row(s) held characters CP932 cannot hold; written as '〓'");

    const bad = await runCli([...base, '--cp932-replace', '😀'], { env: setup.env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--cp932-replace 😀: U+1F600 😀 is not a CP932 character');
    const notCp932 = await runCli(['log', 'recog', 'export', '--serial', 'SJ2', '-o', 'csv', '--cp932-replace', '?'], {
      env: setup.env,
    });
    expect(notCp932.code).toBe(2);
  });
});
