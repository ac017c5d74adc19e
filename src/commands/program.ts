/**
 * The command tree: global flags, the commands generated from the registry, and the hand-written
 * ones. Built per run (tests run many in one process); nothing heavy is imported here.
 */
import { Command } from 'commander';
import type { Context } from '../core/context.js';
import { exitCodesSummary, UsageError } from '../core/errors.js';
import { colorEnabled } from '../core/terminal.js';
import { type AnyCommandDecl, addDeclared } from './declare.js';
import { createCommandEnv, type RunnableEnv } from './env.js';
import { appliesQuery, ExitWith, hasOwnOutput, usageExitCodeOf } from './exit.js';
import { addGlobalFlags, GLOBAL_VALUE_FLAGS, readGlobalFlags } from './global-flags.js';
import { HELP_TOPICS } from './help-topics.js';
import { addGroupShells, isGroupName } from './tree.js';
import { packageVersion } from './version.js';

/** A command module: its commands declared as data (src/commands/declare.ts). */
type CommandModule = { commands: readonly AnyCommandDecl[] };

/**
 * Hand-written command modules, by the first command word they live under. Each declaration names its
 * words (`['log', 'recog', 'export']`); `addDeclared` adds it under the root, in its group (found or
 * created by `subcommand`, src/commands/tree.ts). They are imported only when their word is the one typed, for the root help
 * (the top-level ones only: a group's own commands are not listed there), or for `help`, completion
 * and the reference, which need the whole tree: a cron `device list` loads none of the workflows.
 */
const HAND_WRITTEN: readonly { word: string; load: () => Promise<CommandModule> }[] = [
  { word: 'person', load: () => import('./person-import.js') },
  { word: 'person', load: () => import('./person-sync.js') },
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
  { word: 'gen-docs', load: () => import('./gen-docs.js') },
];

export { packageVersion };

/** Every command: in-process exits, the context's streams, colour as `colorEnabled` decides, global flags in help. */
function configureAll(cmd: Command, ctx: Context, colorFlag: () => boolean | undefined): void {
  // A command with its own usage exit code (`device health`: 3, UNKNOWN for monitoring) ends with it.
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
    getOutHelpWidth: () => ctx.io.columns || 80,
    getErrHelpWidth: () => ctx.io.columns || 80,
    getOutHasColors: () => colorEnabled(ctx, ctx.io.stdoutIsTTY, colorFlag()),
    getErrHasColors: () => colorEnabled(ctx, ctx.io.stderrIsTTY, colorFlag()),
  });
  // Bold headings; commander strips them when the stream has no colour (getOutHasColors above).
  cmd.configureHelp({ showGlobalOptions: true, styleTitle: (title) => `\u001b[1m${title}\u001b[22m` });
  cmd.showSuggestionAfterError(true);
  for (const sub of cmd.commands) configureAll(sub, ctx, colorFlag);
}

export interface BuiltProgram {
  program: Command;
  env: RunnableEnv;
}

/** The first command word of argv (`log` in `-o csv log recog list`), skipping global flags. */
export function commandWord(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') return argv[i + 1];
    if (!a.startsWith('-')) return a;
    if (GLOBAL_VALUE_FLAGS.has(a)) i++;
  }
  return undefined;
}

async function noRunner(): Promise<number> {
  throw new Error('this command tree was built without an entry point to run sub-commands');
}

/**
 * What one run needs built, from its first command word (`commandWord`):
 * - `whole`: every command (no argv: the tests, completion and reference generators; `completion`,
 *   `gen-docs` and `help WORDS...`, which describe any command);
 * - `group`: one group's endpoint commands and the hand-written commands under that word;
 * - `top`: the top-level hand-written commands (root help, a typo's suggestion) or the one typed;
 *   the groups stay shells with their description, and the endpoint registry is not even loaded.
 */
export function treePlan(
  argv: readonly string[] | undefined,
): { kind: 'whole' } | { kind: 'group'; word: string } | { kind: 'top'; word?: string; versionOnly: boolean } {
  if (argv === undefined) return { kind: 'whole' };
  const word = commandWord(argv);
  if (word === 'completion' || word === 'gen-docs' || word === 'help') return { kind: 'whole' };
  if (word !== undefined && isGroupName(word)) return { kind: 'group', word };
  // `facetctl --version` and `facetctl version` need no other command at all.
  const versionOnly = word === 'version' || (word === undefined && argv.some((a) => a === '-V' || a === '--version'));
  return { kind: 'top', word, versionOnly };
}

/**
 * Builds the tree for one run. `runCommand` is the entry point itself (`run` in index.ts), handed down
 * to the commands that run other command lines (the demo), so no module below imports index.ts.
 */
export async function buildProgram(
  ctx: Context,
  argv?: readonly string[],
  runCommand: (argv: string[], ctx: Context) => Promise<number> = noRunner,
): Promise<BuiltProgram> {
  const program = new Command('facetctl');
  program
    .description('facetCloud v4.0 API and SenseLink 認証レコード+ from the command line, with an embedded emulator')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .helpCommand(false);
  addGlobalFlags(program);
  const env = createCommandEnv(ctx, () => readGlobalFlags(program), runCommand);
  const plan = treePlan(argv);
  addGroupShells(program);
  if (plan.kind !== 'top') {
    const { addEndpointCommands } = await import('./generated.js');
    addEndpointCommands(program, env, plan.kind === 'group' ? plan.word : undefined);
  }
  const modules =
    plan.kind === 'whole'
      ? HAND_WRITTEN
      : plan.kind === 'group'
        ? HAND_WRITTEN.filter((h) => h.word === plan.word)
        : plan.versionOnly
          ? []
          : HAND_WRITTEN.some((h) => h.word === plan.word)
            ? HAND_WRITTEN.filter((h) => h.word === plan.word)
            : HAND_WRITTEN.filter((h) => !isGroupName(h.word));
  // A module registered under two words (watch.ts: `device health`, `log … tail`) is loaded once.
  for (const mod of new Set(await Promise.all(modules.map((h) => h.load())))) {
    for (const decl of mod.commands) addDeclared(program, decl, env);
  }
  addVersionCommand(program, ctx);
  addHelpCommand(program, ctx);
  program.hook('preAction', async (_root, action) => {
    if (action.name() === 'help' || action.name() === 'version') {
      // They print text, not a JSON answer: --query would be silently ignored.
      if (readGlobalFlags(program).query !== undefined) {
        throw new UsageError(
          `--query: \`facetctl ${commandWords(action)}\` prints no JSON answer for it to filter; leave --query out`,
        );
      }
      return;
    }
    // Bad settings are usage errors before anything is sent: FACETCTL_OUTPUT, -o prometheus outside
    // `device health`, --query.
    if (!hasOwnOutput(action)) env.output();
    const { loadServices } = await import('./services.js');
    env.provide(await loadServices());
    const query = readGlobalFlags(program).query;
    if (query !== undefined && !appliesQuery(action)) {
      throw new UsageError(
        `--query: \`facetctl ${commandWords(action)}\` prints no JSON answer for it to filter; leave --query out (nothing was sent)`,
      );
    }
    if (query !== undefined) await env.compileQuery(query);
  });
  configureAll(program, ctx, () => readGlobalFlags(program).color);
  program.addHelpText(
    'after',
    [
      '',
      ...wrap(`Exit codes: ${exitCodesSummary()}.`, 100),
      `Help topics: ${Object.keys(HELP_TOPICS)
        .map((t) => `facetctl help ${t}`)
        .join(', ')}.`,
      "The document's action names work too: `facetctl person toDevice` = `facetctl person to-device`.",
    ].join('\n'),
  );
  return { program, env };
}

export { HELP_TOPICS };

/** `log recog export`: the words of `cmd` below the root. */
function commandWords(cmd: Command): string {
  const words: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) words.unshift(c.name());
  return words.join(' ');
}

/** `facetctl version`: the same as `--version`. */
function addVersionCommand(program: Command, ctx: Context): void {
  program
    .command('version')
    .description('print the version (as --version)')
    .action(() => {
      ctx.io.stdout.write(`${packageVersion()}\n`);
    });
}

/**
 * `facetctl help [command words...]` (the help of that command, as `--help`) and `facetctl help
 * TOPIC` (environment, exit-codes). Replaces commander's help command, which knows no topics.
 */
function addHelpCommand(program: Command, ctx: Context): void {
  const topics = Object.entries(HELP_TOPICS)
    .map(([name, t]) => `  ${name.padEnd(12)} ${t.description}`)
    .join('\n');
  program
    .command('help [words...]')
    .description('show help for a command, or a help topic (environment, exit-codes)')
    .addHelpText('after', `\nTopics:\n${topics}`)
    .action((words: string[]) => {
      const topic = words.length === 1 ? HELP_TOPICS[words[0]] : undefined;
      if (topic) {
        ctx.io.stdout.write(topic.text());
        return;
      }
      let target: Command = program;
      for (const w of words) {
        const next = target.commands.find((c) => c.name() === w || c.aliases().includes(w));
        if (!next) {
          throw new UsageError(
            `help: no command or topic '${words.join(' ')}' (topics: ${Object.keys(HELP_TOPICS).join(', ')})`,
          );
        }
        target = next;
      }
      target.help();
    });
}

/** Splits `text` at spaces into lines of at most `width` characters (the root help's footer). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}
