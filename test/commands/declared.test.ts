/**
 * Hand-written commands declared as data (src/commands/declare.ts): argv is parsed into the `opts` and
 * arguments their `run` receives, with a fake `run`: no emulator, no network, no files.
 */
import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { commands as apiCommands } from '../../src/commands/api.js';
import { commands as completionCommands } from '../../src/commands/completion.js';
import { type AnyCommandDecl, addDeclared, type CommandCall } from '../../src/commands/declare.js';
import { commands as demoCommands } from '../../src/commands/demo.js';
import type { CommandEnv } from '../../src/commands/env.js';
import { commands as genDocsCommands } from '../../src/commands/gen-docs.js';
import { commands as profileCommands } from '../../src/commands/profile.js';
import { commands as pushCommands } from '../../src/commands/push.js';
import { commands as serverCommands } from '../../src/commands/server.js';

const ALL: readonly AnyCommandDecl[] = [
  ...profileCommands,
  ...pushCommands,
  ...apiCommands,
  ...demoCommands,
  ...completionCommands,
  ...genDocsCommands,
  ...serverCommands,
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

  it('refuses a second command of the same words', () => {
    const root = new Command('facetctl');
    const env = {} as CommandEnv;
    addDeclared(root, profileCommands[0], env);
    expect(() => addDeclared(root, profileCommands[0], env)).toThrow(/two commands named 'profile add'/);
  });
});
