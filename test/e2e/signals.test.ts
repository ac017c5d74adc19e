/**
 * Signals and terminals with the real executable (child processes): SIGTERM exits 143 and SIGINT 130
 * after the same clean stop, for lists, exports, imports, `server` and `push listen`; and a
 * pseudo-terminal that reports 0 columns gets no spinner that could spin forever.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, tempConfigDir } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { PICTURES } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp.js';
import { ensureBuilt } from '../setup/build.js';

/**
 * A facetCloud that accepts requests and never answers: the one state where a command is certainly
 * waiting on the network when the signal arrives (the emulator answers, or delays without telling).
 */
let hanging: Server;
let hangingUrl: string;
let requests = 0;
let emu: TestEmulator;

beforeAll(async () => {
  ensureBuilt();
  hanging = createServer(() => {
    requests++;
  });
  await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
  hangingUrl = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/api1`;
  emu = await startTestEmulator();
  await emu.op('POST', '/devices', { serialNo: 'SLOW0001', kind: 'terminal', latencyMs: 800 });
});
afterAll(async () => {
  hanging.closeAllConnections();
  await new Promise((r) => hanging.close(r));
  await emu.close();
});

interface Run {
  child: ChildProcessWithoutNullStreams;
  stderr: () => string;
  exit: Promise<number | null>;
}

function start(argv: string[], env: Record<string, string> = {}, cwd?: string): Run {
  const child = spawn(process.execPath, [BIN, ...argv], {
    cwd,
    env: { ...process.env, FACETCTL_CONFIG_DIR: tempConfigDir(), NO_COLOR: '1', ...env },
  });
  let err = '';
  child.stderr.on('data', (c) => {
    err += c;
  });
  child.stdout.resume();
  const exit = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  return { child, stderr: () => err, exit };
}

async function until(check: () => boolean, what: string): Promise<void> {
  // Generous: child processes start slowly on a loaded machine (polling, not a fixed sleep).
  for (let i = 0; i < 2400; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const hangingEnv = () => ({ FACETCTL_HOST: hangingUrl, FACETCTL_TOKEN: 'token-for-a-server-that-never-answers' });

describe.each([
  ['SIGTERM', 143],
  ['SIGINT', 130],
] as const)('%s', (signal, code) => {
  it(`a list waiting for its answer stops cleanly and exits ${code}`, async () => {
    const before = requests;
    const run = start(['log', 'recog', 'list', '--serial', 'S1', '--all'], hangingEnv());
    await until(() => requests > before, 'the request');
    run.child.kill(signal);
    expect(await run.exit).toBe(code);
    expect(run.stderr()).not.toContain('at ');
  });

  it(`an export stops cleanly and exits ${code}`, async () => {
    const before = requests;
    const out = tempDir('facetctl-signal-export-');
    const run = start(
      ['log', 'recog', 'export', '--serial', 'S1', '--since', '1h', '--out', join(out, 'logs.csv')],
      hangingEnv(),
    );
    await until(() => requests > before, 'the request');
    run.child.kill(signal);
    expect(await run.exit).toBe(code);
  });

  it(`an import stops cleanly and exits ${code}`, async () => {
    const before = requests;
    const dir = tempDir('facetctl-signal-import-');
    copyFileSync(join(PICTURES, 'face-astronaut.jpg'), join(dir, 'face.jpg'));
    writeFileSync(join(dir, 'persons.csv'), 'personCode,personName,picture\nP1,Yamada,face.jpg\nP2,Suzuki,face.jpg\n');
    const run = start(['person', 'import', 'persons.csv', '--yes', '--timeout', '3'], hangingEnv(), dir);
    await until(() => requests > before || run.child.exitCode !== null, 'the request');
    expect(run.child.exitCode, run.stderr()).toBeNull();
    run.child.kill(signal);
    expect(await run.exit).toBe(code);
  });

  it(`server stops cleanly and exits ${code}`, async () => {
    const run = start(['server', '--port', '0', '--seed', 'none']);
    await until(() => run.stderr().includes('listening'), 'the server');
    run.child.kill(signal);
    expect(await run.exit).toBe(code);
    expect(run.stderr()).toContain('stopped');
  });

  it(`push listen stops cleanly and exits ${code}`, async () => {
    const run = start(['push', 'listen', '--port', '0']);
    await until(() => run.stderr().includes('listening'), 'the listener');
    run.child.kill(signal);
    expect(await run.exit).toBe(code);
  });
});

const hasScript = process.platform === 'linux' && spawnSync('script', ['--version']).status === 0;

describe.runIf(hasScript)('a pseudo-terminal that reports 0 columns', () => {
  it('gets plain output, never a spinner that spins forever; SIGTERM still works', async () => {
    const cmd = `stty cols 0 rows 0; exec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} system info --serial SLOW0001 -o json`;
    const child = spawn('script', ['-qec', cmd, '/dev/null'], {
      env: {
        ...process.env,
        FACETCTL_CONFIG_DIR: tempConfigDir(),
        FACETCTL_HOST: emu.url,
        FACETCTL_TOKEN: emu.token,
      },
    });
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    const exit = new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    // Before the fix the spinner looped at 100% CPU here and ignored SIGTERM; bound the wait.
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await exit;
    clearTimeout(killer);
    expect(code).toBe(0);
    expect(out).toContain('"deviceType"');
    expect(out).not.toContain('\u001b[?25l');
  });
});
