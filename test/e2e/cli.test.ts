/**
 * The real executable: `bin/facetctl.js` (the build output) as a child process without a terminal,
 * against an emulator running in the test process.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runProcess, spawnCli } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { tempDir } from '../helpers/temp.js';
import { ensureBuilt } from '../setup/build.js';

let emu: TestEmulator;
let env: Record<string, string>;

beforeAll(async () => {
  ensureBuilt();
  emu = await startTestEmulator();
  env = { FACETCTL_HOST: emu.url, FACETCTL_TOKEN: emu.token };
  await emu.op('POST', '/devices', { serialNo: 'E2E0001', kind: 'terminal' });
  await emu.op('POST', '/devices', { serialNo: 'E2E0002', kind: 'terminal', online: false });
  await emu.op('POST', '/recognize', { serialNo: 'E2E0001', count: 150 });
  // Far more than a pipe buffer holds, so the writer really meets a closed pipe.
  await emu.op('POST', '/devices', { serialNo: 'E2E0003', kind: 'terminal' });
  await emu.op('POST', '/recognize', { serialNo: 'E2E0003', count: 3000 });
});
afterAll(() => emu.close());

/** A bash command line as a child process (asynchronous: the emulator answering it lives here). */
function shell(cmd: string, childEnv: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string }> {
  return runProcess('bash', ['-c', cmd], { env: childEnv });
}

describe('bin/facetctl.js', () => {
  it('--version prints the version and exits 0', async () => {
    const r = await spawnCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(r.stderr).toBe('');
  });

  it('--help lists the groups on stdout and exits 0', async () => {
    const r = await spawnCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: facetctl');
    for (const g of ['device', 'log', 'person', 'config', 'system', 'senselink', 'profile', 'api', 'completion']) {
      expect(r.stdout).toContain(`  ${g}`);
    }
  });

  it('stdout carries only data (JSON), stderr nothing, on success', async () => {
    const r = await spawnCli(['log', 'recog', 'list', '--serial', 'E2E0001', '--all'], { env });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveLength(150);
    expect(r.stderr).toBe('');
  });

  it('device-contacting calls show no spinner without a terminal', async () => {
    const r = await spawnCli(['device', 'sync', '--serial', 'E2E0001'], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toMatch(/[\u2800-\u28ff]|\u001b\[/);
  });

  it('exit codes: 2 validation, 4 token, 5 device offline, 3 partial, 1 API error', async () => {
    const invalid = await spawnCli(['system', 'message', '--serial', 'E2E0001', '--customtip', 'x'], { env });
    expect(invalid.code).toBe(2);
    expect(invalid.stdout).toBe('');
    expect(invalid.stderr).toContain('--tipstime');
    expect((await spawnCli(['device', 'list'], { env: { ...env, FACETCTL_TOKEN: 'Q'.repeat(64) } })).code).toBe(4);
    const offline = await spawnCli(['system', 'info', '--serial', 'E2E0002'], { env });
    expect(offline.code).toBe(5);
    expect(offline.stdout).toBe('');
    expect(offline.stderr).toContain('E2E0002');
    const partial = await spawnCli(['system', 'info', '--serial', 'E2E0001', '--serial', 'E2E0002'], { env });
    expect(partial.code).toBe(3);
    expect(JSON.parse(partial.stdout)).toHaveLength(1);
    expect((await spawnCli(['person', 'get', '--serial', 'NONE00', '--person-code', 'x'], { env })).code).toBe(1);
  });

  it('destructive without a terminal needs --yes (exit 2) and never waits for input', async () => {
    const r = await spawnCli(['person', 'device', 'clear', '--serial', 'E2E0001'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--yes');
  });

  it('--token-stdin reads the token from a pipe', async () => {
    const r = await spawnCli(['device', 'list', '--host', emu.url, '--token-stdin'], { stdin: `${emu.token}\n` });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain(emu.token);
  });

  it('a closed pipe (| head) ends quietly', async () => {
    const cmd = `"${process.execPath}" "${BIN}" log recog list --serial E2E0003 --all -o ndjson | head -n 1; echo "status=\${PIPESTATUS[0]}" >&2`;
    // Asynchronous: the emulator answering this child lives in this very process.
    const r = await shell(cmd, { ...process.env, ...env });
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/status=0/);
    expect(r.stderr).not.toMatch(/EPIPE|Error/);
  });

  it('a closed stderr (2>&1 | head -1) does not stop an export: its file is written whole, no temporary left, exit 0', async () => {
    const dir = tempDir('facetctl-e2e-stderr-');
    const out = join(dir, 'x.csv');
    const cmd = `cd "${dir}" && "${process.execPath}" "${BIN}" log recog export --serial E2E0003 -o csv --out x.csv --verbose 2>&1 >/dev/null | head -n 1 >/dev/null; echo "status=\${PIPESTATUS[0]}"`;
    const r = await shell(cmd, { ...process.env, ...env });
    expect(r.stdout).toMatch(/status=0/);
    const rows = readFileSync(out, 'utf8').trim().split('\n');
    expect(rows).toHaveLength(1 + 3000);
    expect(readdirSync(dir)).toEqual(['x.csv']);
  });
});

describe('signals', () => {
  it('Ctrl-C (SIGINT) during a device call exits 130', async () => {
    await emu.op('POST', '/devices', { serialNo: 'E2E0009', kind: 'terminal', latencyMs: 10_000 });
    const child = spawn(process.execPath, [BIN, 'device', 'sync', '--serial', 'E2E0009', '--verbose'], {
      env: { ...process.env, ...env },
    });
    let stderr = '';
    child.stderr.on('data', (c) => {
      stderr += c;
      // The request is on its way: interrupt it.
      if (stderr.includes('→ GET')) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((res) => child.on('close', (c) => res(c)));
    expect(code).toBe(130);
    expect(stderr).toMatch(/cancel|interrupt/i);
  });
});
