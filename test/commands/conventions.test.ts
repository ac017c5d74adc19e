/**
 * The habits users bring from gh, aws and kubectl (issue 13): --query and --limit, help on every
 * command and help topics, `version`, colour and terminal rules, FACETCTL_OUTPUT/FACETCTL_VERBOSE,
 * and --dry-run on every command that changes state, proven against the emulator's request journal.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { GLOBAL_FLAGS } from '../../src/commands/global-flags.js';
import { ENVIRONMENT } from '../../src/core/environment.js';
import { EXIT_CODES } from '../../src/core/errors.js';
import { endpoints } from '../../src/registry/index.js';
import { clearJournal, journal, SERIAL, useCliEmulator } from '../helpers/cli-emulator.js';
import { splitExample } from './example-argv.js';

const setup = useCliEmulator({ reset: true, clearJournal: true });
const { cli } = setup;

async function addDevice(serialNo: string, online: boolean) {
  const r = await setup.emu.op('POST', '/devices', { serialNo, kind: 'terminal', online });
  expect(r.status).toBeLessThan(300);
}

describe('--query (JMESPath)', () => {
  beforeEach(async () => {
    await addDevice('7L11R010015', false);
    await addDevice('7L11R010016', true);
    // getDevice answers serialNo, description, lastAccess, lastRecog: filter on lastRecog.
    await setup.emu.op('POST', '/recognize', { serialNo: SERIAL, count: 1 });
    await setup.emu.op('POST', '/recognize', { serialNo: '7L11R010016', count: 1 });
    await clearJournal(setup.emu);
  });

  it('filters the JSON answer before formatting: json, table, csv and ndjson', async () => {
    const q = ['device', 'list', '--query', '[?lastRecog].serialNo'];
    const json = await cli([...q, '-o', 'json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([SERIAL, '7L11R010016']);
    const table = await cli([...q, '-o', 'table']);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('7L11R010016');
    expect(table.stdout).not.toContain('7L11R010015');
    const csv = await cli(['device', 'list', '--query', '[?lastRecog].{serial: serialNo}', '-o', 'csv']);
    expect(csv.stdout).toBe(`serial\n${SERIAL}\n7L11R010016\n`);
    const nd = await cli(['--query', '[?!lastRecog].serialNo', 'device', 'list', '-o', 'ndjson']);
    expect(nd.stdout).toBe('{"value":"7L11R010015"}\n');
  });

  it('with --all applies to each row as it streams; rows mapped to null are left out', async () => {
    await setup.emu.op('POST', '/recognize', { serialNo: SERIAL, count: 120 });
    const r = await cli([
      'log',
      'recog',
      'list',
      '--serial',
      SERIAL,
      '--all',
      '-o',
      'ndjson',
      '--query',
      '{id: id, code: personCode}',
    ]);
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(121); // 120 + the one made before each test of this block
    expect(Object.keys(lines[0]).sort()).toEqual(['code', 'id']);
  });

  it('an invalid expression is exit 2 before anything is sent', async () => {
    const r = await cli(['device', 'list', '--query', '[?lastRecog']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--query');
    expect(await journal(setup.emu)).toEqual([]);
  });
});

describe('--limit', () => {
  it('stops after N rows across pages, fetching no page beyond', async () => {
    await setup.emu.op('POST', '/recognize', { serialNo: SERIAL, count: 250 });
    await clearJournal(setup.emu);
    const r = await cli(['log', 'recog', 'list', '--serial', SERIAL, '--limit', '130']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveLength(130);
    const pages = (await journal(setup.emu)).filter((c) => c.path === '/api1/log/getRecogLog');
    expect(pages).toHaveLength(2);
    const small = await cli(['log', 'recog', 'list', '--serial', SERIAL, '--limit', '5', '-o', 'ndjson']);
    expect(small.stdout.trim().split('\n')).toHaveLength(5);
  });

  it('is on every paged list, and refuses 0', async () => {
    for (const ep of endpoints.filter((e) => e.paging)) {
      const r = await cli([ep.group, ...ep.command, '--help']);
      expect(r.stdout, ep.id).toContain('--limit <n>');
    }
    expect((await cli(['log', 'recog', 'list', '--serial', SERIAL, '--limit', '0'])).code).toBe(2);
    expect(await journal(setup.emu)).toEqual([]);
  });
});

describe('help, version and topics', () => {
  it("every command's help lists the global flags", async () => {
    for (const argv of [['device', 'list'], ['person', 'import'], ['server'], ['profile', 'add'], ['log', 'export']]) {
      const r = await cli([...argv, '--help']);
      expect(r.code, argv.join(' ')).toBe(0);
      for (const def of GLOBAL_FLAGS) {
        const long = def.flags.match(/--[\w-]+/)![0];
        expect(r.stdout, `${argv.join(' ')} ${long}`).toContain(long);
      }
    }
  });

  it('every help line shows its default once (commander adds none after a help that states it)', async () => {
    const { buildProgram } = await import('../../src/commands/program.js');
    const { testContext } = await import('../core/test-context.js');
    const { program } = await buildProgram(testContext({ env: {} }));
    const twice: string[] = [];
    const walk = (cmd: typeof program, path: string) => {
      const help = cmd.createHelp();
      for (const opt of cmd.options) {
        const text = help.optionDescription(opt);
        if ((text.match(/\bdefault\b/gi) ?? []).length > 1) twice.push(`${path} ${opt.flags}: ${text}`);
      }
      for (const sub of cmd.commands) walk(sub, `${path} ${sub.name()}`);
    };
    walk(program, 'facetctl');
    expect(twice).toEqual([]);
    // The defaults still apply: the help line states them, the run uses them.
    const tail = await cli(['log', 'recog', 'tail', '--help']);
    expect(tail.stdout).toMatch(/rows printed first, per run, newest last \(default 10\)\n/);
    expect(tail.stdout).not.toMatch(/\(default: 10\)/);
  });

  it('`facetctl version` works as --version', async () => {
    const a = await cli(['version']);
    const b = await cli(['--version']);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('`help environment` lists every variable of the table the code reads', async () => {
    const r = await cli(['help', 'environment']);
    expect(r.code).toBe(0);
    for (const name of Object.keys(ENVIRONMENT)) expect(r.stdout).toContain(name);
    expect(r.stdout).toContain('precedence');
  });

  it('`help exit-codes` lists every code of the table, 143 included', async () => {
    const r = await cli(['help', 'exit-codes']);
    expect(r.code).toBe(0);
    for (const { code, meaning } of Object.values(EXIT_CODES)) expect(r.stdout).toMatch(`${code}  ${meaning}`);
    expect(r.stdout).toContain('143');
  });

  it('`help COMMAND` is that command help; an unknown topic is exit 2', async () => {
    const r = await cli(['help', 'device', 'list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: facetctl device list');
    expect((await cli(['help', 'nothing-here'])).code).toBe(2);
  });

  it('docs/commands.md lists every global flag of the declaration', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../docs/commands.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## Global flags'), doc.indexOf('## How flags are made'));
    for (const def of GLOBAL_FLAGS) {
      const long = def.flags.match(/--[\w-]+/)![0];
      expect(section, def.flags).toMatch(new RegExp(`[\`, ]${long}[ \`]`));
    }
  });

  it('docs/output.md documents every exit code of the table', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../docs/output.md'), 'utf8');
    for (const { code } of Object.values(EXIT_CODES)) expect(doc).toMatch(new RegExp(`\\| ${code} \\|`));
  });
});

describe('colour and terminals', () => {
  const ESC = '\u001b[';

  it('help has colour on a terminal; NO_COLOR and --no-color remove it; FORCE_COLOR forces it off a terminal', async () => {
    const tty = await cli(['device', '--help'], { stdoutIsTTY: true });
    expect(tty.stdout).toContain(ESC);
    expect((await cli(['device', '--help'], { stdoutIsTTY: true, env: { NO_COLOR: '1' } })).stdout).not.toContain(ESC);
    expect((await cli(['device', '--help', '--no-color'], { stdoutIsTTY: true })).stdout).not.toContain(ESC);
    expect((await cli(['device', '--help'], { stdoutIsTTY: true, env: { TERM: 'dumb' } })).stdout).not.toContain(ESC);
    expect((await cli(['device', '--help'])).stdout).not.toContain(ESC);
    expect((await cli(['device', '--help'], { env: { FORCE_COLOR: '1' } })).stdout).toContain(ESC);
    expect((await cli(['device', '--help'], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } })).stdout).not.toContain(ESC);
  });

  it('no spinner and no cursor movement when the terminal reports 0 columns or TERM=dumb', async () => {
    for (const opts of [{ stderrColumns: 0 }, { stderrColumns: undefined }, { env: { TERM: 'dumb' } }]) {
      const r = await cli(['system', 'info', '--serial', SERIAL], { stderrIsTTY: true, ...opts });
      expect(r.code, JSON.stringify(opts)).toBe(0);
      expect(r.stderr, JSON.stringify(opts)).not.toContain(ESC);
    }
  });

  it('FACETCTL_OUTPUT sets the default format; -o wins; a bad value is exit 2, nothing sent', async () => {
    const csv = await cli(['device', 'list'], { env: { FACETCTL_OUTPUT: 'csv' } });
    expect(csv.stdout.split('\n')[0]).toContain('serialNo');
    const json = await cli(['device', 'list', '-o', 'json'], { env: { FACETCTL_OUTPUT: 'csv' } });
    expect(() => JSON.parse(json.stdout)).not.toThrow();
    await clearJournal(setup.emu);
    const bad = await cli(['device', 'list'], { env: { FACETCTL_OUTPUT: 'yaml' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('FACETCTL_OUTPUT');
    expect(await journal(setup.emu)).toEqual([]);
  });

  it('FACETCTL_VERBOSE=1 logs requests to stderr (token redacted)', async () => {
    const r = await cli(['device', 'list'], { env: { FACETCTL_VERBOSE: '1' } });
    expect(r.stderr).toContain('GET');
    expect(r.stderr).toContain('/device/getDevice');
    expect(r.stderr).not.toContain(setup.emu.token);
    expect((await cli(['device', 'list'], { env: { FACETCTL_VERBOSE: '0' } })).stderr).toBe('');
  });
});

describe('--dry-run', () => {
  const changing = endpoints.filter((ep) => ep.changesState);

  it('exists exactly on the commands that change state (from the registry)', async () => {
    expect(changing.length).toBeGreaterThan(20);
    for (const ep of endpoints) {
      const r = await cli([ep.group, ...ep.command, '--help']);
      expect(r.stdout.includes('--dry-run'), ep.id).toBe(ep.changesState);
    }
  });

  it.each(changing.map((ep) => [ep.id, ep] as const))(
    '%s: prints the request, sends nothing, exit 0',
    async (_id, ep) => {
      const argv = splitExample(ep.example);
      const r = await cli([...argv, '--dry-run']);
      expect(r.code, r.stderr).toBe(0);
      const plan = JSON.parse(r.stdout);
      const one = Array.isArray(plan) ? plan[0] : plan;
      expect(one.method).toMatch(/^(GET|POST)$/);
      expect(one.url).toContain(ep.path.replace(/\{.*$/, ''));
      expect(r.stdout).not.toContain(setup.emu.token);
      expect(r.stdout).not.toContain(setup.emu.senselink.appSecret);
      expect(r.stderr).toContain('not sent');
      expect(await journal(setup.emu)).toEqual([]);
    },
  );

  it('shows method, path, parameters, token redacted and pictures by size and sha256', async () => {
    const picture = readFileSync(join(setup.cwd, 'face.jpg'));
    const sha = createHash('sha256').update(picture).digest('hex');
    const r = await cli([
      'person',
      'register',
      '--person-code',
      'F1',
      '--person-name',
      'Yamada',
      '--picture',
      'face.jpg',
      '--dry-run',
    ]);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.method).toBe('POST');
    expect(plan.url).toBe(`${setup.emu.url}/person/registPersonForCloud`);
    expect(plan.headers['ds-api-token']).toBe('[redacted]');
    expect(plan.body.params.personCode).toBe('F1');
    expect(plan.body.params.picture).toBe(`<base64: ${picture.length} bytes, sha256 ${sha}>`);
    expect(await journal(setup.emu)).toEqual([]);
  });

  it('still validates: a bad value is exit 2 and a destructive dry run needs no --yes', async () => {
    const bad = await cli(['system', 'message', '--serial', SERIAL, '--customtip', 'x'.repeat(26), '--dry-run']);
    expect(bad.code).toBe(2);
    const reboot = await cli(['system', 'reboot', '--serial', SERIAL, '--dry-run']);
    expect(reboot.code).toBe(0);
    expect(await journal(setup.emu)).toEqual([]);
  });
});
