import { type Command, CommanderError } from 'commander';
import type { Context } from '../core/context.js';
import { ApiError, CancelledError, ExitCode, exitCodeAfterSignal, NetworkError } from '../core/errors.js';
import { reportError } from './errors-report.js';
import { ExitWith, usageExitCodeOf } from './exit.js';
import { GLOBAL_VALUE_FLAGS } from './global-flags.js';
import { buildProgram } from './program.js';

/** Commander's own ends: help and version are success; everything else it reports is a usage error. */
function commanderExit(err: CommanderError, usageCode: number | undefined): number {
  if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return ExitCode.ok;
  if (err.code === 'commander.help') return err.exitCode === 0 ? ExitCode.ok : (usageCode ?? ExitCode.usage);
  return usageCode ?? ExitCode.usage;
}

/**
 * The deepest command `argv` names (`device health` in `-o bogus device health`), skipping flags and
 * the values of global flags. A global flag's bad value is refused by the root command, before the
 * command runs; the command's own usage exit code (`device health`: 3, UNKNOWN) must still apply.
 */
/** `log recog export`: the words of a command below the program; undefined for the program itself. */
function commandPath(cmd: Command): string | undefined {
  const words: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) words.unshift(c.name());
  return words.length ? words.join(' ') : undefined;
}

function commandNamed(program: Command, argv: readonly string[]): Command {
  let cmd = program;
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i];
    if (word === '--') break;
    if (word.startsWith('-')) {
      if (GLOBAL_VALUE_FLAGS.has(word)) i++;
      continue;
    }
    const next = cmd.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!next) break;
    cmd = next;
  }
  return cmd;
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || (err as { code?: string }).code === 'ABORT_ERR');
}

/**
 * Runs facetctl with `argv` (without node and the script) and returns the exit code; a run stopped by
 * SIGINT/SIGTERM (`ctx.signal`) ends with 130/143.
 */
export async function run(argv: string[], ctx: Context): Promise<number> {
  return exitCodeAfterSignal(ctx.signal, await runCommand(argv, ctx));
}

async function runCommand(argv: string[], ctx: Context): Promise<number> {
  const { program, env } = await buildProgram(ctx, argv, run);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ExitCode.ok;
  } catch (err) {
    if (err instanceof ExitWith) return err.code;
    if (err instanceof CommanderError) return commanderExit(err, usageExitCodeOf(commandNamed(program, argv)));
    if (ctx.signal.aborted && isAbort(err)) return reportError(ctx, new CancelledError('interrupted'));
    // An answer or a network failure names the command it ended (`error: the API answered an error
    // (log recog export) (HTTP 400)`), as the endpoint commands' own reports do; usage errors name
    // their flag instead.
    const fromCloud = err instanceof ApiError || err instanceof NetworkError;
    return reportError(ctx, err, {
      verbose: env.verbose,
      command: fromCloud ? commandPath(commandNamed(program, argv)) : undefined,
    });
  } finally {
    await env.close();
  }
}
