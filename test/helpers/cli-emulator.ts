/**
 * The CLI run in-process against an emulator on port 0, as the command tests set it up: the
 * connection in the environment, a working directory holding the files the registry's examples name,
 * the examples' device, and the emulator's request journal to prove what was (not) sent.
 *
 * `useCliEmulator()` registers the hooks (start before the file, close after it, optional resets
 * before each test) and returns the live handles; the other exports are its parts, for tests that
 * start their emulator themselves.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type CliResult, type CliRunOptions, runCli } from './cli.js';
import { startTestEmulator, type TestEmulator } from './emulator.js';
import { PICTURES } from './fixtures.js';
import { tempDir } from './temp.js';

export { PICTURES };
export const SERIAL = '7L11R010014';

/** A working directory holding the files the registry's examples name. */
export function exampleDir(): string {
  const dir = tempDir('facetctl-examples-');
  copyFileSync(join(PICTURES, 'face-astronaut.jpg'), join(dir, 'face.jpg'));
  copyFileSync(join(PICTURES, 'face-astronaut.png'), join(dir, 'logo.png'));
  writeFileSync(join(dir, `${SERIAL}.cfg`), Buffer.from('settings file'));
  return dir;
}

/** The environment that points the CLI at `emu` (facetCloud and SenseLink). */
export function connectionEnv(emu: TestEmulator): Record<string, string> {
  return {
    FACETCTL_HOST: emu.url,
    FACETCTL_TOKEN: emu.token,
    FACETCTL_SENSELINK_URL: emu.senselink.baseUrl,
    FACETCTL_SENSELINK_APP_KEY: emu.senselink.appKey,
    FACETCTL_SENSELINK_APP_SECRET: emu.senselink.appSecret,
  };
}

/** Fresh state: the examples' device and an empty journal. */
export async function resetWithDevice(emu: TestEmulator): Promise<void> {
  await emu.op('POST', '/reset');
  const made = await emu.op('POST', '/devices', { serialNo: SERIAL, kind: 'terminal', model: 'TACX1270' });
  if (made.status >= 300) throw new Error(`cannot create device: ${JSON.stringify(made.body)}`);
}

/** The requests the emulator received since the journal was last cleared. */
export async function journal(
  emu: TestEmulator,
): Promise<{ method: string; path: string; params: string[]; status: number }[]> {
  const r = await emu.op('GET', '/requests');
  return r.body.requests;
}

export async function clearJournal(emu: TestEmulator): Promise<void> {
  await emu.op('DELETE', '/requests');
}

/** What to do before each test of the file. */
export interface EachTest {
  /** Reset the emulator and create the examples' device (`resetWithDevice`). */
  reset?: boolean;
  /** Remove every injected fault. */
  clearFaults?: boolean;
  /** Empty the request journal. */
  clearJournal?: boolean;
}

/** The live handles of `useCliEmulator` (read them inside hooks and tests, not at module level). */
export interface CliEmulator {
  readonly emu: TestEmulator;
  /** `connectionEnv(emu)`. */
  readonly env: Record<string, string>;
  /** The working directory made by `exampleDir()`. */
  readonly cwd: string;
  /** `runCli` in `cwd` with `env`; `opts.env` adds to it (and overrides). */
  cli(argv: string[], opts?: CliRunOptions): Promise<CliResult>;
}

/**
 * Starts an emulator for the test file (closed after it), with `env` and `cwd` ready, and runs
 * `eachTest` before every test. Hooks a file registers after calling it run after its own.
 */
export function useCliEmulator(eachTest: EachTest = {}): CliEmulator {
  let live: { emu: TestEmulator; env: Record<string, string>; cwd: string } | undefined;
  const get = () => {
    if (!live) throw new Error('useCliEmulator: read the handles inside a hook or a test');
    return live;
  };
  beforeAll(async () => {
    const emu = await startTestEmulator();
    live = { emu, env: connectionEnv(emu), cwd: exampleDir() };
  });
  afterAll(() => live?.emu.close());
  if (eachTest.reset || eachTest.clearFaults || eachTest.clearJournal) {
    beforeEach(async () => {
      const { emu } = get();
      if (eachTest.reset) await resetWithDevice(emu);
      if (eachTest.clearFaults) await emu.op('DELETE', '/faults');
      if (eachTest.clearJournal) await clearJournal(emu);
    });
  }
  return {
    get emu() {
      return get().emu;
    },
    get env() {
      return get().env;
    },
    get cwd() {
      return get().cwd;
    },
    cli: (argv, opts = {}) => {
      const { env, cwd } = get();
      return runCli(argv, { cwd, ...opts, env: { ...env, ...opts.env } });
    },
  };
}
