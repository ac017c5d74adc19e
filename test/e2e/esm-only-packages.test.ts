/**
 * The two packages that are ES modules only, conf (profiles) and ora (spinners), through the built
 * CLI (bin/facetctl.js, a child process). The bundle is one CommonJS script (scripts/build-cli.mjs)
 * that loads them with `require(esm)` through a small module taking their default export; esbuild's
 * own interop would hand the whole module namespace over as the default (`Conf is not a
 * constructor`), and the in-process tests, which run src/, cannot see that.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runProcess, spawnCli } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { tempDir } from '../helpers/temp.js';
import { ensureBuilt } from '../setup/build.js';

let emu: TestEmulator;

beforeAll(async () => {
  ensureBuilt();
  emu = await startTestEmulator({ latencyMs: 1500 });
  await emu.op('POST', '/devices', { serialNo: 'ESM00001', kind: 'terminal' });
});
afterAll(() => emu.close());

describe('ES-module-only packages in the built CLI', () => {
  it('conf: a profile saved with `profile add` is listed by `profile list` (token masked)', async () => {
    const dir = tempDir('facetctl-esm-conf-');
    const env = { FACETCTL_CONFIG_DIR: dir, FACETCTL_HOST: undefined, FACETCTL_TOKEN: undefined };
    const add = await spawnCli(['profile', 'add', 'site1', '--host', emu.url, '--token-stdin'], {
      env,
      stdin: `${emu.token}\n`,
    });
    expect(add.stderr).not.toMatch(/not a constructor|TypeError/);
    expect(add.code).toBe(0);
    const list = await spawnCli(['profile', 'list', '-o', 'json'], { env });
    expect(list.code).toBe(0);
    const profiles = JSON.parse(list.stdout) as { name: string; host: string; token: string }[];
    expect(profiles.map((p) => [p.name, p.host])).toEqual([['site1', emu.url]]);
    expect(list.stdout).not.toContain(emu.token);
    const call = await spawnCli(['device', 'list', '-o', 'json', '--profile', 'site1'], { env });
    expect(call.code).toBe(0);
    expect(call.stdout).toContain('ESM00001');
  });

  // A terminal is needed for a spinner: `script` (util-linux) gives the child one. This emulator's
  // devices take 1.5 s a call (latencyMs), long enough for ora to load and draw.
  it.skipIf(!existsSync('/usr/bin/script'))(
    'ora: a device call on a terminal draws its spinner on stderr',
    async () => {
      const command = [process.execPath, BIN, 'person', 'get', '--serial', 'ESM00001', '--person-code', 'NOBODY']
        .map((w) => `'${w}'`)
        .join(' ');
      const res = await runProcess('/usr/bin/script', ['-qec', `stty cols 100 rows 30; ${command}`, '/dev/null'], {
        env: {
          ...process.env,
          FACETCTL_HOST: emu.url,
          FACETCTL_TOKEN: emu.token,
          FACETCTL_CONFIG_DIR: tempDir('facetctl-esm-ora-'),
        },
      });
      // `script` copies the terminal's output (the CLI's stdout and stderr) to its own stdout.
      const out = res.stdout + res.stderr;
      expect(out).not.toMatch(/TypeError|is not a function/);
      // ora's dots spinner frames (cli-spinners "dots"), then the line it leaves at the end.
      expect(out).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/);
      expect(out).toContain('ESM00001');
    },
    20_000,
  );
});
