/**
 * The facetCloud document's PHP example (test/emulator/fixtures/php-example.php, as printed, with the
 * PDF's line breaks inside strings joined), run by a real PHP against the emulator with only the
 * scheme and host changed, plus the three values the document says to fill in (host, token, serial).
 * It then does what the browser would: load setPictureCookie.js and every <img> with its cookies.
 * Runs where `php` is installed (Debian's php-cli); the same walk with fetch runs everywhere
 * (pictures.test.ts).
 */
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp.js';
import { addDevice, startTestEmulator, type TestEmulator } from './util.js';

const hasPhp = spawnSync('php', ['--version']).status === 0;

describe.skipIf(!hasPhp)("the document's PHP example, run by php", () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator();
    await addDevice(emu, 'PHP1');
    await emu.op('POST', '/recognize', { serialNo: 'PHP1', count: 3 });
  });
  afterAll(() => emu.close());

  it('renders the script tag and one <img> per log, and every picture loads with the cookies', async () => {
    const host = new URL(emu.origin).host;
    const source = readFileSync(join(import.meta.dirname, 'fixtures', 'php-example.php'), 'utf8')
      .replaceAll('https://', 'http://')
      .replace('"XXX.fc2-cloud.com"', JSON.stringify(host))
      .replace('$apiToken = "XXXXXXXXXXX"', `$apiToken = "${emu.token}"`)
      .replace('$serialNo = "XXXXXXXXXXX"', '$serialNo = "PHP1"');
    const file = join(tempDir('facetctl-php-'), 'example.php');
    writeFileSync(file, source);
    // Asynchronously: the emulator answers PHP's request from this same process.
    const { stdout: html } = await promisify(execFile)('php', [file], { encoding: 'utf8' });

    const script = html.match(/<script src="([^"]+)"/)?.[1];
    expect(script).toMatch(new RegExp(`^http://${host}/api1/tool/setPictureCookie\\.js\\?p=.+&s=.+&k=.+`));
    const res = await fetch(script!);
    expect(res.status).toBe(200);
    const jar = res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');

    const images = [...html.matchAll(/<img src="([^"]+)"/g)].map((m) => m[1]);
    expect(images).toHaveLength(3);
    for (const url of images) {
      expect((await fetch(url)).status).toBe(403);
      const img = await fetch(url, { headers: { cookie: jar } });
      expect(img.status).toBe(200);
      expect(img.headers.get('content-type')).toBe('image/jpeg');
    }
  });
});
