/**
 * Hand-written commands declared as data: the command words, the summary, the arguments and flags,
 * the help text, and `run(env, opts, call)`. One function (`addDeclared`) turns a declaration into a
 * commander command, so the tree, the help, the completions and the reference see it as before, and a
 * test can parse argv into `opts` with a fake `run`, without an emulator or a network
 * (test/commands/declared.test.ts). The generated endpoint commands come from the registry instead
 * (src/commands/generated.ts).
 */
import { type Command, Option } from 'commander';
import type { CommandEnv } from './env.js';
import { setAppliesQuery, setOwnOutput, setUsageExitCode } from './exit.js';
import { type CompletionValues, setCompletionValues } from './option-meta.js';
import { placeholderParser } from './option-parsers.js';
import { subcommand } from './tree.js';

/** One flag, in commander's syntax (`'--port <port>'`, `'-X, --method <method>'`, `'--use'`). */
export interface FlagDecl {
  flags: string;
  /** The help line. */
  help: string;
  /** Reads the value (throw commander's InvalidArgumentError for a bad one: exit 2 naming the flag). */
  parse?: (value: string, previous: never) => unknown;
  /** The value when the flag is not given (shown in the help as commander shows defaults). */
  default?: unknown;
  /** The allowed values, shown in the help (`parse`, when given, still reads the value). */
  choices?: readonly string[];
  /** What a shell may offer after the flag (src/commands/option-meta.ts). */
  completion?: CompletionValues;
  /** The flag must be given (commander's `requiredOption`: missing → usage error naming it). */
  required?: boolean;
}

/** A positional argument in commander's syntax (`'<path>'`, `'[name]'`, `'[words...]'`), with its help line or without. */
export type ArgDecl = string | { readonly name: string; readonly help: string };

/** What the action gets besides the flags: the positional arguments and the whole tree's root. */
export interface CommandCall {
  /** In the order of `args` (a variadic argument is an array). */
  args: unknown[];
  /** The root command (`completion` and `gen-docs` describe the tree). */
  root: Command;
}

export interface CommandDecl<Opts = Record<string, unknown>> {
  /** The command words below `facetctl`: `['profile', 'add']`. */
  path: readonly [string, ...string[]];
  /** Descriptions of the parent words, used when this declaration is the first to create them. */
  parents?: Readonly<Record<string, string>>;
  summary: string;
  /** Positional arguments, in order. */
  args?: readonly ArgDecl[];
  aliases?: readonly string[];
  hidden?: boolean;
  flags?: readonly FlagDecl[];
  /** Text after the generated help (notes, examples). */
  helpAfter?: string;
  /** Usage errors end with this code instead of 2 (`device health`: 3, UNKNOWN; src/commands/exit.ts). */
  usageExitCode?: number;
  /** The command reads `-o` itself, with formats of its own (`device health -o prometheus`). */
  ownOutput?: boolean;
  /**
   * The command applies the global `--query` to the data it prints (env.render / env.rows, or per row
   * itself). Without it, `--query` is refused (exit 2) before the command runs.
   */
  query?: boolean;
  run(env: CommandEnv, opts: Opts, call: CommandCall): void | Promise<void>;
}

/** Declares a command (an identity function, for the type of `opts`). */
export function defineCommand<Opts>(decl: CommandDecl<Opts>): CommandDecl<Opts> {
  return decl;
}

/** A declaration of any flags' type, as modules export them in a list. */
// biome-ignore lint/suspicious/noExplicitAny: a list holds declarations of different option types.
export type AnyCommandDecl = CommandDecl<any>;

/** The commander Option for one declared flag. */
export function optionOf(flag: FlagDecl): Option {
  const opt = new Option(flag.flags, flag.help);
  if (flag.choices) opt.choices(flag.choices);
  const parse = flag.parse ?? placeholderParser(flag.flags);
  if (parse) opt.argParser(parse as (value: string, previous: unknown) => unknown);
  if (flag.default !== undefined) opt.default(flag.default);
  if (flag.completion) setCompletionValues(opt, flag.completion);
  if (flag.required) opt.makeOptionMandatory();
  return opt;
}

/** A help line that states its default itself (`(default 10)`): commander must not add `(default: 10)`. */
const DEFAULT_WORD = /\bdefault\b/i;

/**
 * Adds one declared flag to `cmd`. Its default applies as commander's, but when the help line
 * already states it, commander's own `(default: …)` is not added: a default is shown once.
 */
export function addFlag(cmd: Command, flag: FlagDecl): Option {
  const opt = optionOf(flag);
  cmd.addOption(opt);
  // addOption has stored the default as the option's value; the help reads defaultValue only.
  if (flag.default !== undefined && DEFAULT_WORD.test(flag.help)) opt.defaultValue = undefined;
  return opt;
}

function rootOf(cmd: Command): Command {
  let c = cmd;
  while (c.parent) c = c.parent;
  return c;
}

/**
 * Adds the declared command under `root` (creating the parent words it names, with their
 * descriptions from `parents`) and returns it. Throws when the words are already taken, as the
 * generated commands do: two commands of one name would shadow each other.
 */
export function addDeclared(root: Command, decl: AnyCommandDecl, env: CommandEnv): Command {
  let parent = root;
  for (const word of decl.path.slice(0, -1)) parent = subcommand(parent, word, decl.parents?.[word]);
  const name = decl.path[decl.path.length - 1];
  if (parent.commands.some((c) => c.name() === name || c.aliases().includes(name))) {
    throw new Error(`commands: two commands named '${decl.path.join(' ')}'`);
  }
  const cmd = parent.command(name, { hidden: decl.hidden === true }).description(decl.summary);
  for (const arg of decl.args ?? []) {
    if (typeof arg === 'string') cmd.argument(arg);
    else cmd.argument(arg.name, arg.help);
  }
  for (const alias of decl.aliases ?? []) cmd.alias(alias);
  for (const flag of decl.flags ?? []) addFlag(cmd, flag);
  if (decl.helpAfter) cmd.addHelpText('after', decl.helpAfter);
  if (decl.usageExitCode !== undefined) setUsageExitCode(cmd, decl.usageExitCode);
  if (decl.ownOutput) setOwnOutput(cmd);
  if (decl.query) setAppliesQuery(cmd);
  cmd.action(async (...received: unknown[]) => {
    const self = received[received.length - 1] as Command;
    const opts = received[received.length - 2];
    await decl.run(env, opts, { args: received.slice(0, -2), root: rootOf(self) });
  });
  return cmd;
}
