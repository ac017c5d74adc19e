/**
 * Hand-written commands declared as data (src/commands/declare.ts): argv is parsed into the `opts` and
 * arguments their `run` receives, with a fake `run`: no emulator, no network, no files.
 */
import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { commands as apiCommands } from '../../src/commands/api.js';
import { commands as completionCommands } from '../../src/commands/completion.js';
import { commands as configCommands } from '../../src/commands/config-files.js';
import { type AnyCommandDecl, addDeclared, type CommandCall } from '../../src/commands/declare.js';
import { commands as demoCommands } from '../../src/commands/demo.js';
import type { CommandEnv } from '../../src/commands/env.js';
import { hasOwnOutput, usageExitCodeOf } from '../../src/commands/exit.js';
import { commands as genDocsCommands } from '../../src/commands/gen-docs.js';
import { commands as logExportCommands } from '../../src/commands/log-export.js';
import { completionValuesOf } from '../../src/commands/option-meta.js';
import { commands as personImportCommands } from '../../src/commands/person-import.js';
import { commands as personSyncCommands } from '../../src/commands/person-sync.js';
import { commands as profileCommands } from '../../src/commands/profile.js';
import { commands as pushCommands } from '../../src/commands/push.js';
import { commands as senselinkCommands } from '../../src/commands/senselink-export.js';
import { commands as serverCommands } from '../../src/commands/server.js';
import { commands as watchCommands } from '../../src/commands/watch.js';
import { DEFAULT_PAGE_CONCURRENCY } from '../../src/workflows/export/log-export.js';

const ALL: readonly AnyCommandDecl[] = [
  ...profileCommands,
  ...pushCommands,
  ...apiCommands,
  ...demoCommands,
  ...completionCommands,
  ...genDocsCommands,
  ...serverCommands,
  ...personImportCommands,
  ...personSyncCommands,
  ...logExportCommands,
  ...watchCommands,
  ...configCommands,
  ...senselinkCommands,
];

interface Parsed {
  path: string;
  opts: Record<string, unknown>;
  call: CommandCall;
}

/** Parses argv against every declaration, each with a `run` that only records what it was given. */
async function parse(argv: string[]): Promise<Parsed> {
  const root = new Command('facetctl').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  let got: Parsed | undefined;
  const env = {} as CommandEnv; // never used: the fake run does not touch it
  for (const decl of ALL) {
    const cmd = addDeclared(
      root,
      {
        ...decl,
        run: (_env: CommandEnv, opts: Record<string, unknown>, call: CommandCall) => {
          got = { path: decl.path.join(' '), opts, call };
        },
      },
      env,
    );
    cmd.exitOverride();
  }
  await root.parseAsync(argv, { from: 'user' });
  if (!got) throw new Error(`no command ran for ${argv.join(' ')}`);
  return got;
}

async function parseError(argv: string[]): Promise<CommanderError> {
  const err = await parse(argv).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(CommanderError);
  return err as CommanderError;
}

describe('declared commands, parsed without running', () => {
  it('profile add: the name argument and the flags', async () => {
    const p = await parse(['profile', 'add', 'prod', '--senselink-app-key', 'K', '--use', '--force']);
    expect(p.path).toBe('profile add');
    expect(p.call.args).toEqual(['prod']);
    expect(p.opts).toEqual({ senselinkAppKey: 'K', use: true, force: true });
  });

  it('profile rm is the alias of profile remove', async () => {
    const p = await parse(['profile', 'rm', 'old']);
    expect(p.path).toBe('profile remove');
    expect(p.call.args).toEqual(['old']);
  });

  it('push listen: defaults, a parsed port, repeatable --allow-ip', async () => {
    expect((await parse(['push', 'listen'])).opts).toEqual({ port: 8787, bind: '127.0.0.1', queueSize: 100 });
    const p = await parse(['push', 'listen', '--port', '0', '--allow-ip', '10.0.0.0/8', '--allow-ip', '::1']);
    expect(p.opts).toMatchObject({ port: 0, allowIp: ['10.0.0.0/8', '::1'] });
  });

  it('push listen: a bad --queue-size or --port is commander’s invalid-argument error (exit 2)', async () => {
    expect((await parseError(['push', 'listen', '--queue-size', '0'])).code).toBe('commander.invalidArgument');
    expect((await parseError(['push', 'listen', '--port', 'x'])).code).toBe('commander.invalidArgument');
  });

  it('api: the path, repeatable -f, the method upper-cased, a missing path refused', async () => {
    const p = await parse(['api', '/person/toDevice', '-f', 'serialNo=S1', '-f', 'personCode=P1', '-X', 'post']);
    expect(p.call.args).toEqual(['/person/toDevice']);
    expect(p.opts).toEqual({ field: ['serialNo=S1', 'personCode=P1'], method: 'POST' });
    expect((await parseError(['api', '/x', '-X', 'PUT'])).code).toBe('commander.invalidArgument');
    expect((await parseError(['api'])).code).toBe('commander.missingArgument');
  });

  it('demo --dir, completion SHELL, gen-docs flags; run receives the root', async () => {
    expect((await parse(['demo'])).opts).toEqual({ dir: 'facetctl-demo' });
    const c = await parse(['completion', 'fish']);
    expect(c.call.args).toEqual(['fish']);
    expect(c.call.root.name()).toBe('facetctl');
    expect((await parse(['gen-docs', '--man', 'man'])).opts).toEqual({ man: 'man' });
  });

  it('server: defaults, the negated --no-entry-exit-mode, comma lists, choices', async () => {
    expect((await parse(['server'])).opts).toEqual({
      port: 8080,
      bind: '127.0.0.1',
      seed: 'none',
      entryExitMode: true,
    });
    const p = await parse(['server', '--no-entry-exit-mode', '--allow-ip', '10.0.0.0/8,192.0.2.1', '--faces', 'off']);
    expect(p.opts).toMatchObject({ entryExitMode: false, allowIp: ['10.0.0.0/8', '192.0.2.1'], faces: 'off' });
    expect((await parseError(['server', '--faces', 'fast'])).code).toBe('commander.invalidArgument');
    expect((await parseError(['server', '--port', '70000'])).code).toBe('commander.invalidArgument');
  });

  it('person import: defaults, the file, repeatable --serial, --no-override; a bad --concurrency names the flag', async () => {
    const d = await parse(['person', 'import']);
    expect(d.path).toBe('person import');
    expect(d.call.args).toEqual([undefined]);
    expect(d.opts).toEqual({ remoteCheck: true, image: true, concurrency: 8 });
    const p = await parse([
      'person',
      'import',
      'p.csv',
      '--serial',
      'A',
      '--serial',
      'B',
      '--no-override',
      '--dry-run',
    ]);
    expect(p.call.args).toEqual(['p.csv']);
    expect(p.opts).toMatchObject({ serial: ['A', 'B'], override: false, dryRun: true });
    const err = await parseError(['person', 'import', 'p.csv', '--concurrency', '0']);
    expect(err.code).toBe('commander.invalidArgument');
    expect(err.message).toContain('--concurrency');
  });

  it('person sync / diff: the required file, defaults, the scope flags; a bad prefix names the flag', async () => {
    const s = await parse(['person', 'sync', 'hr.csv']);
    expect(s.path).toBe('person sync');
    expect(s.call.args).toEqual(['hr.csv']);
    expect(s.opts).toEqual({ remoteCheck: true, image: true, pictureCache: true, concurrency: 8 });
    const p = await parse([
      'person',
      'sync',
      'hr.csv',
      '--person-type',
      '01',
      '--scope-serial',
      'G1',
      '--no-picture-cache',
    ]);
    expect(p.opts).toMatchObject({ personType: '1', scopeSerial: ['G1'], pictureCache: false });
    expect((await parse(['person', 'diff', 'hr.csv', '--prune'])).path).toBe('person diff');
    const bad = await parseError(['person', 'sync', 'hr.csv', '--person-code-prefix', 'HQ*']);
    expect(bad.code).toBe('commander.invalidArgument');
    expect(bad.message).toContain('--person-code-prefix');
    expect((await parseError(['person', 'sync'])).code).toBe('commander.missingArgument');
    // `person diff` sends nothing: it has no --dry-run.
    expect((await parseError(['person', 'diff', 'hr.csv', '--dry-run'])).code).toBe('commander.unknownOption');
    const r = await parseError(['person', 'reconcile', '--repair', 'both']);
    expect(r.code).toBe('commander.invalidArgument');
    expect(r.message).toContain('--repair');
  });

  it('log recog export: defaults, the list filters from the registry; a bad --page-concurrency names the flag', async () => {
    const d = await parse(['log', 'recog', 'export']);
    expect(d.path).toBe('log recog export');
    expect(d.opts).toEqual({ concurrency: 4, pageConcurrency: DEFAULT_PAGE_CONCURRENCY });
    const p = await parse(['log', 'recog', 'export', '--serial', 'S1', '--since', '24h', '--person-code', 'P001']);
    expect(p.opts).toMatchObject({ serial: ['S1'], since: '24h', personCode: 'P001' });
    for (const [flag, value] of [
      ['--page-concurrency', '0'],
      ['--picture-expires', '5'],
      ['--concurrency', '33'],
    ]) {
      const err = await parseError(['log', 'recog', 'export', flag, value]);
      expect(err.code).toBe('commander.invalidArgument');
      expect(err.message).toContain(flag);
    }
    // Each kind has its own flags: pictures for recognitions, --overlap and the operate filters for operations.
    expect((await parseError(['log', 'operate', 'export', '--pictures', 'p'])).code).toBe('commander.unknownOption');
    const o = await parse(['log', 'operate', 'export', '--overlap', '5m', '--main-type', '操作']);
    expect(o.opts).toEqual({ concurrency: 4, overlap: '5m', mainType: '操作' });
  });

  it('log recog tail: defaults, -n and -f; a bad --lines names the flag', async () => {
    const d = await parse(['log', 'recog', 'tail']);
    expect(d.path).toBe('log recog tail');
    expect(d.opts).toEqual({ lines: 10, interval: '5s' });
    const p = await parse(['log', 'recog', 'tail', '--all-devices', '-n', '20', '-f', '--state', 't.json']);
    expect(p.opts).toEqual({ allDevices: true, lines: 20, follow: true, interval: '5s', state: 't.json' });
    expect((await parse(['log', 'operate', 'tail'])).path).toBe('log operate tail');
    const err = await parseError(['log', 'recog', 'tail', '-n', 'x']);
    expect(err.code).toBe('commander.invalidArgument');
    expect(err.message).toContain('--lines');
    expect((await parse(['log', 'recog', 'stats'])).opts).toEqual({ by: 'day', concurrency: 4 });
  });

  it('device health: defaults, and its usage errors end with 3 (UNKNOWN) and it reads -o itself', async () => {
    expect((await parse(['device', 'health'])).opts).toEqual({ stale: '10m', interval: '30s' });
    const root = new Command('facetctl');
    const health = watchCommands.find((c) => c.path.join(' ') === 'device health');
    if (!health) throw new Error('no device health declaration');
    const cmd = addDeclared(root, health, {} as CommandEnv);
    expect(usageExitCodeOf(cmd)).toBe(3);
    expect(hasOwnOutput(cmd)).toBe(true);
    const out = cmd.options.find((o) => o.long === '--out');
    expect(out && completionValuesOf(out)).toBe('file');
  });

  it('config export: the required --dir (missing: a usage error naming it), --serial and --all-devices', async () => {
    const p = await parse(['config', 'export', '--dir', 'backup', '--serial', 'A', '--all-devices']);
    expect(p.path).toBe('config export');
    expect(p.opts).toEqual({ dir: 'backup', serial: ['A'], allDevices: true });
    const err = await parseError(['config', 'export', '--all-devices']);
    expect(err.code).toBe('commander.missingMandatoryOptionValue');
    expect(err.message).toContain('--dir');
    const diff = await parse(['config', 'diff', 'c.json', '--serial', 'S1']);
    expect(diff.call.args).toEqual(['c.json']);
    expect(diff.opts).toEqual({ serial: 'S1' });
    expect((await parseError(['config', 'diff', 'c.json'])).message).toContain('--serial');
  });

  it('senselink record export: the required --from/--to (missing: a usage error naming it), the CSV flags', async () => {
    const p = await parse(['senselink', 'record', 'export', '--from', '-72h', '--to', 'now']);
    expect(p.path).toBe('senselink record export');
    expect(p.opts).toEqual({ from: '-72h', to: 'now' });
    const c = await parse(['senselink', 'record', 'export', '--from', 'yesterday', '--to', 'now', '--bom']);
    expect(c.opts).toMatchObject({ bom: true });
    const err = await parseError(['senselink', 'record', 'export', '--from', '-72h']);
    expect(err.code).toBe('commander.missingMandatoryOptionValue');
    expect(err.message).toContain('--to');
    const bad = await parseError(['senselink', 'record', 'export', '--from', '-1h', '--to', 'now', '--sn']);
    expect(bad.code).toBe('commander.optionMissingArgument');
    expect(bad.message).toContain('--sn');
  });

  it('refuses a second command of the same words', () => {
    const root = new Command('facetctl');
    const env = {} as CommandEnv;
    addDeclared(root, profileCommands[0], env);
    expect(() => addDeclared(root, profileCommands[0], env)).toThrow(/two commands named 'profile add'/);
  });
});
