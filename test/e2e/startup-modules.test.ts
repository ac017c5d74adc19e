/**
 * What a one-shot run loads, as the built executable really runs (bin/facetctl.js, a child process):
 * the Node built-ins its start-up must not pay for (issue 12, start-up). The root help builds only
 * the command declarations (test/commands/cheap-declarations.test.ts): no crypto, no fs/promises.
 * One API call loads undici without node:http2 (scripts/undici-http2-lazy.cjs) and node:crypto
 * without WebCrypto (src/core/node-crypto.ts).
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { ensureBuilt } from '../setup/build.js';

const PRELOAD = resolve(import.meta.dirname, '../fixtures/startup/report-builtins.cjs');

let emu: TestEmulator;

beforeAll(async () => {
  ensureBuilt();
  emu = await startTestEmulator();
  await emu.op('POST', '/devices', { serialNo: 'BOOT0001', kind: 'terminal' });
});
afterAll(() => emu.close());

/** Runs the CLI with the preload; its exit code, stdout and the built-in modules it loaded. */
async function runLoaded(
  argv: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; builtins: string[] }> {
  const res = await spawnCli(argv, {
    nodeArgs: ['--require', PRELOAD],
    env: { FACETCTL_HOST: emu.url, FACETCTL_TOKEN: emu.token, ...env },
  });
  const line = res.stderr.split('\n').find((l) => l.startsWith('LOADED-BUILTINS '));
  if (!line) throw new Error(`no module report: ${res.stderr}`);
  return { code: res.code, stdout: res.stdout, builtins: line.slice('LOADED-BUILTINS '.length).split(',') };
}

describe('start-up: the built-ins a one-shot run loads', () => {
  it('the root help loads neither crypto nor fs/promises', async () => {
    // FORCE_COLOR makes the launcher render the help the full way, not print its saved copy
    // (test/e2e/root-help-snapshot.test.ts): a terminal's help goes that way.
    const { code, stdout, builtins } = await runLoaded(['--help'], { FORCE_COLOR: '0' });
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: facetctl');
    expect(builtins).not.toContain('crypto');
    expect(builtins).not.toContain('fs/promises');
    expect(builtins).not.toContain('http2');
  });

  it('one API call (device list) loads neither node:http2 nor WebCrypto', async () => {
    const { code, stdout, builtins } = await runLoaded(['device', 'list', '-o', 'json']);
    expect(code).toBe(0);
    expect(stdout).toContain('BOOT0001');
    expect(builtins).toContain('net'); // the report does list the built-ins by name
    expect(builtins).not.toContain('http2');
    expect(builtins).not.toContain('internal/crypto/webcrypto');
  });
});
