/**
 * The command tree: global flags, the commands generated from the registry, and the hand-written
 * ones. Built per run (tests run many in one process); nothing heavy is imported here.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { Context } from '../core/context.js';
import { createCommandEnv, type RunnableEnv } from './env.js';
import { ExitWith, usageExitCodeOf } from './exit.js';
import { addEndpointCommands, GROUPS } from './generated.js';
import { addGlobalFlags, readGlobalFlags } from './global-flags.js';
import { setCompletionValues } from './option-meta.js';

type Register = (parent: Command, env: RunnableEnv) => void;

/**
 * Hand-written command modules, by the first command word they live under. Each `register(root, env)`
 * adds its commands under the root or finds its group with `subcommand(root, 'log')`
 * (src/commands/generated.ts). They are imported only when their word is the one typed (or for help
 * and completion, which need the whole tree): a cron `device list` loads none of the workflows.
 */
const HAND_WRITTEN: readonly { word: string; load: () => Promise<{ register: Register }> }[] = [
  { word: 'person', load: () => import('./person-import.js') },
  { word: 'log', load: () => import('./log-export.js') },
  { word: 'log', load: () => import('./watch.js') },
  { word: 'device', load: () => import('./watch.js') },
  { word: 'config', load: () => import('./config-files.js') },
  { word: 'senselink', load: () => import('./senselink-export.js') },
  { word: 'push', load: () => import('./push.js') },
  { word: 'server', load: () => import('./server.js') },
  { word: 'demo', load: () => import('./demo.js') },
  { word: 'profile', load: () => import('./profile.js') },
  { word: 'api', load: () => import('./api.js') },
  { word: 'completion', load: () => import('./completion.js') },
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
  const usageCode = usageExitCodeOf(cmd);
  cmd.exitOverride(
    usageCode === undefined
      ? undefined
      : (err) => {
          if (err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version')
            throw err;
          throw new ExitWith(usageCode);
        },
  );
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
export async function buildProgram(ctx: Context, argv?: readonly string[]): Promise<BuiltProgram> {
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
  const isGroup = word !== undefined && GROUPS.some((g) => g.name === word);
  // Completion scripts and `help` describe the whole tree.
  const whole = word === undefined || word === 'completion' || word === 'help';
  const known = !whole && (isGroup || HAND_WRITTEN.some((h) => h.word === word));
  addEndpointCommands(program, env, isGroup ? word : undefined);
  // `facetctl --version` needs no command at all.
  const versionOnly = word === undefined && argv !== undefined && argv.some((a) => a === '-V' || a === '--version');
  const modules = versionOnly ? [] : HAND_WRITTEN.filter((h) => !known || h.word === word);
  // A module registered under two words (watch.ts: `device health`, `log … tail`) is loaded once.
  for (const { register } of new Set(await Promise.all(modules.map((h) => h.load())))) register(program, env);
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
