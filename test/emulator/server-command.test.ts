/** `facetctl server`: URL and token on stdout, a working server, a clean stop on the signal, --print-token. */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../src/commands/index.js';
import type { Context } from '../../src/core/context.js';
import { runCli } from '../helpers/cli.js';
import { until } from '../helpers/poll.js';
import { hostProcesses } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir('facetctl-server-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function context(signal: AbortSignal, extra: { stdin?: string; env?: Record<string, string> } = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => {
    out += c;
  });
  stderr.on('data', (c) => {
    err += c;
  });
  const ctx: Context = {
    io: {
      stdout,
      stderr,
      stdin: Readable.from(extra.stdin === undefined ? [] : [Buffer.from(extra.stdin)]),
      stdoutIsTTY: false,
      stderrIsTTY: false,
      stdinIsTTY: false,
    },
    env: { FACETCTL_CONFIG_DIR: dir, ...extra.env },
    cwd: dir,
    now: () => new Date(),
    signal,
    processes: hostProcesses,
  };
  return { ctx, out: () => out, err: () => err };
}

describe('facetctl server', () => {
  // Issue 11 point 17: secrets not on the command line, where `ps` shows them.
  for (const [how, extra, argv] of [
    ['stdin', { stdin: 'TokenFromStdin1\nSecretFromStdin1\n' }, ['--token-stdin', '--senselink-app-secret-stdin']],
    [
      'the environment',
      { env: { FACETCTL_SERVER_TOKEN: 'TokenFromStdin1', FACETCTL_SERVER_SENSELINK_APP_SECRET: 'SecretFromStdin1' } },
      [],
    ],
  ] as const) {
    it(`takes the token and the SenseLink app secret from ${how}`, async () => {
      const abort = new AbortController();
      const io = context(abort.signal, extra);
      const done = run(['server', '--port', '0', '-o', 'json', ...argv], io.ctx);
      const info = await until(() => {
        const line = io.out().split('\n')[0];
        return line
          ? (JSON.parse(line) as { url: string; token: string; senselink: { appSecret: string } })
          : undefined;
      });
      expect(info.token).toBe('TokenFromStdin1');
      expect(info.senselink.appSecret).toBe('SecretFromStdin1');
      const res = await fetch(`${info.url}/device/getDevice`, { headers: { 'ds-api-token': 'TokenFromStdin1' } });
      expect(res.status).toBe(200);
      abort.abort();
      expect(await done).toBe(130); // stopped by the signal: 130 (SIGINT), as every command
    });
  }

  it('prints URL and token, serves the API, persists the token, and stops on the signal', async () => {
    const db = join(dir, 'cli.sqlite');
    const abort = new AbortController();
    const io = context(abort.signal);
    const done = run(['server', '--port', '0', '--db', db, '--seed', 'demo', '-o', 'json'], io.ctx);
    const info = await until(() => {
      const line = io.out().split('\n')[0];
      return line ? (JSON.parse(line) as { url: string; token: string }) : undefined;
    });
    expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api1$/);
    expect(info.token).toMatch(/^[A-Za-z0-9]{64}$/);
    const res = await fetch(`${info.url}/device/getDevice`, { headers: { 'ds-api-token': info.token } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as unknown[]).length).toBeGreaterThanOrEqual(4);
    abort.abort();
    // Stopped by the context's signal, as Ctrl-C does: the clean stop ends with 130 (SIGTERM: 143).
    expect(await done).toBe(130);
    expect(io.err()).toContain('stopped');
    await expect(fetch(`${info.url}/device/getDevice`)).rejects.toThrow();

    const printed = await runCli(['server', '--db', db, '--print-token']);
    expect(printed.code).toBe(0);
    expect(printed.stdout.trim()).toBe(info.token);
  });

  it('--print-token needs --db (exit 2)', async () => {
    const r = await runCli(['server', '--print-token']);
    expect(r.code).toBe(2);
  });
});

describe('facetctl server flags', () => {
  it('refuses a malformed --allow-ip (exit 2) and --print-token of an empty database (exit 1)', async () => {
    expect((await runCli(['server', '--port', '0', '--allow-ip', '10.0.0.0/33'])).code).toBe(2);
    const r = await runCli(['server', '--db', join(dir, 'none.sqlite'), '--print-token']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no token is stored');
  });
});
