import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../../src/commands/index.js';
import type { Context } from '../../src/core/context.js';
import { runCli, tempConfigDir } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { hostProcesses } from '../helpers/processes.js';

let emu: TestEmulator;
let configDir: string;
const cli = (argv: string[], opts: Parameters<typeof runCli>[1] = {}) =>
  runCli(argv, { ...opts, env: { FACETCTL_CONFIG_DIR: configDir, ...opts.env } });

beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());
beforeEach(() => {
  configDir = tempConfigDir();
});

async function addProfile(name: string, token = emu.token) {
  return cli(['profile', 'add', name, '--host', emu.url, '--token-stdin'], { stdin: `${token}\n` });
}

describe('profile add without a terminal', () => {
  it('takes flags and --token-stdin, stores the file 0600 and makes the first profile active', async () => {
    const r = await addProfile('emu');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("saved profile 'emu' (active)");
    const file = join(configDir, 'config.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect((await cli(['device', 'list'])).code).toBe(0);
  });

  it('refuses a plain-http remote host unless --insecure-http', async () => {
    const plain = ['profile', 'add', 'remote', '--host', 'http://cloud.example.jp/api1', '--token-stdin'];
    const refused = await cli(plain, { stdin: 'T'.repeat(64) });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--insecure-http');
    expect((await cli([...plain, '--insecure-http'], { stdin: 'T'.repeat(64) })).code).toBe(0);
  });

  it('a token no HTTP header can carry (typed with the IME on, a space inside) is refused where it comes from: exit 2, nothing saved or sent', async () => {
    const fullWidth = await cli(['profile', 'add', 'fw', '--host', emu.url, '--token-stdin'], {
      stdin: 'ｔｏｋ－ｅ２\n',
    });
    expect(fullWidth.code).toBe(2);
    expect(fullWidth.stderr).toContain(
      "--token-stdin: the API token holds the full-width character 'ｔ' (U+FF54) at character 1; it must be half-width ASCII",
    );
    expect(fullWidth.stderr).toContain('IME');
    expect((await cli(['profile', 'list', '--names'])).stdout).toBe('');
    const space = await cli(['profile', 'add', 'sp', '--host', emu.url, '--token-stdin'], { stdin: 'abc def\n' });
    expect(space.code).toBe(2);
    expect(space.stderr).toContain('holds a space at character 4');
    await emu.op('DELETE', '/requests');
    for (const [env, source] of [
      [{ FACETCTL_HOST: emu.url, FACETCTL_TOKEN: 'ｔｏｋｅｎ' }, 'FACETCTL_TOKEN'],
      [{ FACETCTL_HOST: emu.url, FACETCTL_TOKEN: 'tok\u00e9n' }, 'FACETCTL_TOKEN'],
    ] as const) {
      const r = await cli(['device', 'list'], { env });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`${source}: the API token holds`);
      expect(r.stderr).not.toContain('network');
    }
    // The SenseLink app key and secret sign every request: checked the same way, saved or from the environment.
    const sl = await cli(
      [
        'profile',
        'add',
        'sl',
        '--host',
        emu.url,
        '--token-stdin',
        '--senselink-url',
        emu.origin,
        '--senselink-app-key',
        'ｋｅｙ',
        '--senselink-app-secret-stdin',
      ],
      { stdin: `${emu.token}\nsecret\n` },
    );
    expect(sl.code).toBe(2);
    expect(sl.stderr).toContain("--senselink-app-key: the SenseLink app key holds the full-width character 'ｋ'");
    const slEnv = await cli(['senselink', 'record', 'list', '--time-from', '-1h', '--time-to', 'now'], {
      env: {
        FACETCTL_SENSELINK_URL: emu.origin,
        FACETCTL_SENSELINK_APP_KEY: 'key',
        FACETCTL_SENSELINK_APP_SECRET: 'sec ret',
      },
    });
    expect(slEnv.code).toBe(2);
    expect(slEnv.stderr).toContain(
      'FACETCTL_SENSELINK_APP_SECRET: the SenseLink app secret holds a space at character 4',
    );
    const fromStdin = await cli(['device', 'list', '--host', emu.url, '--token-stdin'], { stdin: 'ｔｏｋｅｎ\n' });
    expect(fromStdin.code).toBe(2);
    expect(fromStdin.stderr).toContain('--token-stdin: the API token holds');
    const { body } = await emu.op('GET', '/requests');
    expect(body.requests).toEqual([]);
  });

  it('--ca-cert is checked when the profile is saved, and saved absolute; a bad one from the environment or a profile is named as such', async () => {
    const dir = tempConfigDir();
    writeFileSync(join(dir, 'bad.pem'), 'hello');
    writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const add = (file: string) =>
      cli(['profile', 'add', 'tls', '--host', 'cloud.example.jp', '--ca-cert', file, '--token-stdin', '--force'], {
        stdin: 'T'.repeat(32),
        cwd: dir,
      });
    const missing = await add('missing.pem');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--ca-cert missing.pem: cannot read the CA certificate');
    const bad = await add('bad.pem');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--ca-cert bad.pem: not a PEM certificate file');
    expect((await cli(['profile', 'list', '--names'])).stdout).toBe('');
    const ok = await add('ca.pem');
    expect(ok.code, ok.stderr).toBe(0);
    const saved = JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8'));
    expect(JSON.stringify(saved)).toContain(JSON.stringify(join(dir, 'ca.pem')));
    // The environment's certificate, named as the environment's.
    const fromEnv = await cli(['device', 'list'], {
      env: { FACETCTL_HOST: emu.url, FACETCTL_TOKEN: emu.token, FACETCTL_CA_CERT: join(dir, 'bad.pem') },
    });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toContain(`FACETCTL_CA_CERT ${join(dir, 'bad.pem')}: not a PEM certificate file`);
    expect(fromEnv.stderr).not.toContain('--ca-cert');
  });

  it('never prompts: missing fields are a usage error naming the flags', async () => {
    const r = await cli(['profile', 'add']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--name');
    expect(r.stderr).toContain('--host');
    expect(r.stderr).toContain('--token-stdin');
  });

  it('stores SenseLink settings with the secret read from the second stdin line', async () => {
    const r = await cli(
      [
        'profile',
        'add',
        'sl',
        '--host',
        emu.url,
        '--token-stdin',
        '--senselink-url',
        emu.senselink.baseUrl,
        '--senselink-app-key',
        emu.senselink.appKey,
        '--senselink-app-secret-stdin',
      ],
      { stdin: `${emu.token}\n${emu.senselink.appSecret}\n` },
    );
    expect(r.code, r.stderr).toBe(0);
    const list = await cli(['senselink', 'record', 'list', '--time-from', '-1h', '--time-to', 'now']);
    expect(list.code, list.stderr).toBe(0);
    const shown = await cli(['profile', 'show', 'sl']);
    expect(shown.stdout).not.toContain(emu.senselink.appSecret);
  });
});

/**
 * Runs in-process on a pretend terminal. The first answer is typed when `firstPrompt` shows on
 * stderr, each next one when the previous prompt has finished (it shows the cursor again):
 * @inquirer draws a prompt only once it gets input.
 */
async function interactive(argv: string[], firstPrompt: string, answers: string[]) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let err = '';
  let out = '';
  stdout.on('data', (c) => {
    out += c;
  });
  const pending = [...answers];
  let finished = 0;
  const type = () => {
    const next = pending.shift();
    if (next !== undefined) setImmediate(() => stdin.write(`${next}\r`));
  };
  stderr.on('data', (c) => {
    const before = err;
    err += c;
    if (!before.includes(firstPrompt) && err.includes(firstPrompt)) type();
    const count = err.split('\u001b[?25h').length - 1;
    if (count > finished) {
      finished = count;
      type();
    }
  });
  const ctx: Context = {
    io: { stdin, stdout, stderr, stdinIsTTY: true, stdoutIsTTY: true, stderrIsTTY: true, columns: 100 },
    env: { FACETCTL_CONFIG_DIR: configDir },
    cwd: process.cwd(),
    now: () => new Date(),
    signal: new AbortController().signal,
    processes: hostProcesses,
  };
  const code = await run(argv, ctx);
  return { code, stdout: out, stderr: err, unanswered: pending };
}

describe('profile add on a terminal', () => {
  it('asks for the missing fields, the token as a password (never echoed)', async () => {
    const r = await interactive(['profile', 'add', '--host', emu.url], 'Profile name', ['tty', emu.token]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.unanswered).toEqual([]);
    expect(r.stderr).not.toContain(emu.token);
    expect((await cli(['profile', 'list', '--names'])).stdout).toBe('tty\n');
    expect((await cli(['device', 'list'])).code).toBe(0);
  });

  it('a declined confirmation exits 130 and sends nothing', async () => {
    await addProfile('emu');
    await emu.op('POST', '/devices', { serialNo: 'C00001', kind: 'terminal' });
    await emu.op('DELETE', '/requests');
    const r = await interactive(['system', 'reboot', '--serial', 'C00001'], 'Continue?', ['n']);
    expect(r.code).toBe(130);
    expect((await emu.op('GET', '/requests')).body.requests).toEqual([]);
  });

  it('an accepted confirmation runs the command', async () => {
    await addProfile('emu');
    await emu.op('POST', '/devices', { serialNo: 'C00002', kind: 'terminal' });
    const r = await interactive(['system', 'reboot', '--serial', 'C00002', '-o', 'json'], 'Continue?', ['y']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ request: true });
  });
});

describe('profile list, show, use, remove', () => {
  it('list and show mask the token', async () => {
    await addProfile('one');
    await addProfile('two');
    const list = await cli(['profile', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).not.toContain(emu.token);
    const rows = JSON.parse(list.stdout);
    expect(rows.map((p: { name: string }) => p.name)).toEqual(['one', 'two']);
    expect(rows[0].token).toBe(`••••${emu.token.slice(-4)}`);
    const show = await cli(['profile', 'show']);
    expect(JSON.parse(show.stdout)).toMatchObject({ name: 'one', active: true });
    expect(show.stdout).not.toContain(emu.token);
    const table = await cli(['profile', 'list'], { stdoutIsTTY: true });
    expect(table.stdout).not.toContain(emu.token);
  });

  it('--names prints one name a line (for completion)', async () => {
    await addProfile('b');
    await addProfile('a');
    expect((await cli(['profile', 'list', '--names'])).stdout).toBe('a\nb\n');
  });

  it('use switches the active profile; remove deletes one', async () => {
    await addProfile('good');
    await addProfile('bad', 'X'.repeat(64));
    expect((await cli(['device', 'list'])).code).toBe(0);
    expect((await cli(['profile', 'use', 'bad'])).code).toBe(0);
    expect((await cli(['device', 'list'])).code).toBe(4);
    expect((await cli(['device', 'list', '--profile', 'good'])).code).toBe(0);
    expect((await cli(['device', 'list'], { env: { FACETCTL_PROFILE: 'good' } })).code).toBe(0);
    expect((await cli(['profile', 'remove', 'bad', '--yes'])).code).toBe(0);
    expect((await cli(['profile', 'list', '--names'])).stdout).toBe('good\n');
    expect((await cli(['profile', 'use', 'nope'])).code).toBe(2);
  });
});

describe('profile test', () => {
  it('0 when the host answers and the token is accepted', async () => {
    await addProfile('ok');
    const r = await cli(['profile', 'test']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('token is accepted');
  });

  it('4 when the token is refused', async () => {
    await addProfile('ok');
    await addProfile('refused', 'Y'.repeat(64));
    const r = await cli(['profile', 'test', 'refused']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('token is not accepted');
  });

  it('1 when nothing answers', async () => {
    await cli(['profile', 'add', 'gone', '--host', 'http://127.0.0.1:9/api1', '--token-stdin', '--retries', '0'], {
      stdin: 'Z'.repeat(64),
    });
    const r = await cli(['profile', 'test', 'gone', '--retries', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/network|connect/i);
  });
});

describe('profile add over an existing profile, and remove', () => {
  it('refuses to replace a profile (and its token) without --force: exit 2, the old token kept', async () => {
    expect((await addProfile('emu')).code).toBe(0);
    const again = await addProfile('emu', 'B'.repeat(64));
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("a profile named 'emu' already exists; pass --force");
    expect((await cli(['device', 'list'])).code).toBe(0);
    const forced = await cli(['profile', 'add', 'emu', '--host', emu.url, '--token-stdin', '--force'], {
      stdin: `${'B'.repeat(64)}\n`,
    });
    expect(forced.code, forced.stderr).toBe(0);
    expect((await cli(['device', 'list'])).code).toBe(4);
  });

  it('on a terminal, asks before replacing; declining keeps the profile', async () => {
    expect((await addProfile('emu')).code).toBe(0);
    const r = await interactive(['profile', 'add', 'emu', '--host', emu.url], 'Replace profile', ['n']);
    expect(r.code).toBe(130);
    expect((await cli(['device', 'list'])).code).toBe(0);
  });

  it('empty standard input with --token-stdin says so', async () => {
    const r = await cli(['profile', 'add', 'emu', '--host', emu.url, '--token-stdin'], { stdin: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--token-stdin: standard input was empty');
    expect(r.stderr).not.toContain('missing');
  });

  it('remove without a terminal needs --yes; with it the profile is gone', async () => {
    expect((await addProfile('emu')).code).toBe(0);
    const refused = await cli(['profile', 'remove', 'emu']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');
    expect((await cli(['profile', 'list', '--names'])).stdout).toBe('emu\n');
    const removed = await cli(['profile', 'remove', 'emu', '--yes']);
    expect(removed.code, removed.stderr).toBe(0);
    expect((await cli(['profile', 'list', '--names'])).stdout).toBe('');
  });

  it('remove of an unknown profile is a usage error before any question', async () => {
    const r = await cli(['profile', 'rm', 'ghost']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no profile named 'ghost'");
  });

  it('every profile command shows examples in --help', async () => {
    for (const sub of ['add', 'list', 'use', 'show', 'remove', 'test']) {
      const r = await cli(['profile', sub, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout, sub).toContain('Examples:');
      expect(r.stdout, sub).toContain(`$ facetctl profile ${sub === 'remove' ? 'remove' : sub}`);
    }
  });
});
