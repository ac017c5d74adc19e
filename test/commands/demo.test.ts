import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

/** Data lines of a CSV written with a BOM and CRLF (the header excluded). */
function csvRows(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  return text.split(/\r?\n/).filter(Boolean).slice(1);
}

describe('facetctl demo (the quick start main job)', () => {
  it('imports the sample CSV, exports logs twice incrementally and backs up configs on the emulator', async () => {
    const dir = tempDir('facetctl-demo-');
    const res = await runCli(['demo', '--dir', dir]);
    expect(res.stderr).toContain('==> Import persons.csv');
    expect(res.code).toBe(0);

    // The import: two persons registered, the cat refused by the cloud's picture check, verbatim.
    const report = readFileSync(join(dir, 'import-report.csv'), 'utf8');
    expect(report).toMatch(/P1001,7L11R010099,ok/);
    expect(report).toMatch(/P1002,7L11R010099,ok/);
    expect(report).toMatch(/P1003,7L11R010099,failed,checkPersonPicture,.*顔として認識出来ない写真/);
    expect(res.stdout).toContain('山田 太郎');

    // The export: the seeded week of logs, then exactly the two simulated recognitions.
    expect(readFileSync(join(dir, 'recog-logs.csv')).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csvRows(join(dir, 'recog-logs.csv')).length).toBeGreaterThan(1000);
    const incremental = csvRows(join(dir, 'recog-logs-incremental.csv'));
    expect(incremental).toHaveLength(2);
    expect(incremental.join('\n')).toContain('P1001');
    expect(incremental.join('\n')).toContain('P1002');

    // The config backup: online terminals saved, the offline one reported.
    expect(existsSync(join(dir, 'configs', '7L11R010014', 'config.json'))).toBe(true);
    expect(existsSync(join(dir, 'configs', '7L11R010017', 'config.json'))).toBe(false);
    expect(res.stdout).toContain('デバイス[7L11R010017]はクラウドサーバーに接続されていません。');
  });

  it('--help shows an example', async () => {
    const res = await runCli(['demo', '--help']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/Examples:\n {2}facetctl demo\n {2}facetctl demo --dir /);
  });
});
