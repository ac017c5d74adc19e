/**
 * The command tree: global flags, the commands generated from the registry, and the hand-written
 * ones. Built per run (tests run many in one process); nothing heavy is imported here.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { Context } from '../core/context.js';
import { register as registerApi } from './api.js';
import { register as registerCompletion } from './completion.js';
import { register as registerConfigFiles } from './config-files.js';
import { register as registerDemo } from './demo.js';
import { createCommandEnv, type RunnableEnv } from './env.js';
import { addEndpointCommands, GROUPS } from './generated.js';
import { addGlobalFlags, readGlobalFlags } from './global-flags.js';
import { register as registerLogExport } from './log-export.js';
import { setCompletionValues } from './option-meta.js';
import { register as registerPersonImport } from './person-import.js';
import { register as registerProfile } from './profile.js';
import { register as registerPush } from './push.js';
import { register as registerSenselinkExport } from './senselink-export.js';
import { register as registerServer } from './server.js';

type Register = (parent: Command, env: RunnableEnv) => void;

/**
 * Hand-written command modules. Each `register(root, env)` adds its commands under the root or finds
 * its group with `subcommand(root, 'log')` (src/commands/generated.ts).
 */
const HAND_WRITTEN: readonly Register[] = [
  registerPersonImport,
  registerLogExport,
  registerConfigFiles,
  registerSenselinkExport,
  registerPush,
  registerServer,
  registerDemo,
  registerProfile,
  registerApi,
  registerCompletion,
];

let version: string | undefined;

/** package.json sits two levels up from both src/commands and dist/commands. */
export function packageVersion(): string {
  if (!version) {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    version = pkg.version;
  }
  return version;
}

function configureAll(cmd: Command, ctx: Context, color: () => boolean): void {
  cmd.exitOverride();
  cmd.configureOutput({
    writeOut: (s) => ctx.io.stdout.write(s),
    writeErr: (s) => ctx.io.stderr.write(s),
    getOutHelpWidth: () => ctx.io.columns ?? 80,
    getErrHelpWidth: () => ctx.io.columns ?? 80,
    getOutHasColors: () => ctx.io.stdoutIsTTY && color(),
    getErrHasColors: () => ctx.io.stderrIsTTY && color(),
  });
  cmd.showSuggestionAfterError(true);
  for (const sub of cmd.commands) configureAll(sub, ctx, color);
}

export interface BuiltProgram {
  program: Command;
  env: RunnableEnv;
}

/** Global flags that take the next word as their value, for finding the command word in argv. */
const VALUE_FLAGS = new Set(['--profile', '--host', '-o', '--output', '--retries', '--timeout', '--ca-cert']);

/** The first command word of argv (`log` in `-o csv log recog list`), skipping global flags. */
export function commandWord(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') return argv[i + 1];
    if (!a.startsWith('-')) return a;
    if (VALUE_FLAGS.has(a)) i++;
  }
  return undefined;
}

/**
 * The whole tree, or (given argv naming one endpoint group) only that group's endpoint commands:
 * help, completion and the hand-written commands still see every group's name.
 */
export function buildProgram(ctx: Context, argv?: readonly string[]): BuiltProgram {
  const program = new Command('facetctl');
  program
    .description('facetCloud v4.0 API and SenseLink 認証レコード+ from the command line, with an embedded emulator')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .helpCommand('help [command]', 'show help for a command');
  addGlobalFlags(program);
  const profileOpt = program.options.find((o) => o.long === '--profile');
  if (profileOpt) setCompletionValues(profileOpt, 'profile');
  const env = createCommandEnv(ctx, () => readGlobalFlags(program));
  const word = argv && commandWord(argv);
  addEndpointCommands(program, env, word && GROUPS.some((g) => g.name === word) ? word : undefined);
  for (const register of HAND_WRITTEN) register(program, env);
  program.hook('preAction', async () => {
    const { loadServices } = await import('./services.js');
    env.provide(await loadServices());
  });
  configureAll(program, ctx, () => ctx.env.NO_COLOR === undefined && readGlobalFlags(program).color !== false);
  program.addHelpText(
    'after',
    [
      '',
      'Exit codes: 0 ok, 1 API or runtime error, 2 usage or validation error (nothing sent),',
      '3 partial failure, 4 authentication (401/403), 5 device unreachable, 130 cancelled.',
      "The document's action names work too: `facetctl person toDevice` = `facetctl person to-device`.",
    ].join('\n'),
  );
  return { program, env };
}
