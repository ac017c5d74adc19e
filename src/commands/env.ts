/**
 * What every command gets: the context, a lazily created client, the output format and renderer,
 * confirmation and progress. Command modules depend on this, not on commander or `process`.
 */

import type { FacetClient } from '../core/client.js';
import type { Context } from '../core/context.js';
import { envFlag, envValue } from '../core/environment.js';
import { CancelledError, UsageError } from '../core/errors.js';
import type { Query } from '../core/query.js';
import { type GlobalFlags, OUTPUT_FORMATS, type OutputFormat } from './global-flags.js';
import { createProgress, type Progress } from './progress.js';
import { promptContext } from './prompt-io.js';

export type { OutputFormat } from './global-flags.js';
export type { Progress } from './progress.js';

export interface CommandEnv {
  ctx: Context;
  /**
   * From the global flags / environment / profile; created once per run. `senselink: true` (addition
   * to the contract) for commands that talk to SenseLink only, so no facetCloud host is required.
   */
  client(opts?: { senselink?: boolean }): Promise<FacetClient>;
  /** `-o/--output`, else FACETCTL_OUTPUT, else table on a terminal and JSON otherwise. */
  output(): OutputFormat;
  /** Writes data to stdout in the chosen format. */
  render(data: unknown, opts?: { columns?: string[] }): void;
  /** Streams rows to stdout as they come (addition to the contract): JSON as one array, ndjson a line each. */
  rows(opts?: { columns?: string[] }): RowWriter;
  /** Prompts on a terminal; else needs `yes` (or the global `--yes`), else UsageError. Declined → CancelledError. */
  confirm(question: string, yes: boolean): Promise<void>;
  /** A spinner on a terminal stderr, rate-limited plain lines otherwise. */
  progress(label: string): Progress;
  readonly verbose: boolean;
  /**
   * The cloud's IANA time zone: `--timezone` > FACETCTL_TIMEZONE > the profile's > Asia/Tokyo
   * (resolveTimeZone in core/connection.ts). Rejects with a UsageError (exit 2) for an unknown zone.
   */
  timeZone(): Promise<string>;
  /** The parsed global flags (addition to the contract). */
  flags(): GlobalFlags;
  /**
   * Runs another facetctl command line in this process (`facetctl demo` runs its steps so): the
   * entry point is handed down by `run()` so that no command module imports the command tree.
   */
  runCommand(argv: string[], ctx: Context): Promise<number>;
  /**
   * Compiles `--query` (UsageError, exit 2, on a bad expression); from then on `render` applies it to
   * the whole answer and `rows` to each row (rows it maps to null are left out).
   */
  compileQuery(expression: string): Promise<void>;
  /**
   * `--query` applied to `data` (for a command that prints in its own way, per row or per document):
   * `data` itself without `--query`; null or undefined when the expression maps it to nothing.
   */
  select(data: unknown): unknown;
  /** Whether `--query` was given (and compiled). */
  readonly hasQuery: boolean;
}

export interface RowWriter {
  write(row: unknown): void;
  /** Closes the JSON array / flushes the table. */
  end(): void;
}

/** Loaded before an action runs (never for --help/--version), so renderers cost nothing at start-up. */
export interface EnvServices {
  render(env: CommandEnv, data: unknown, opts?: { columns?: string[] }): void;
  rows(env: CommandEnv, opts?: { columns?: string[] }): RowWriter;
  client(env: CommandEnv, opts: { senselink?: boolean }): Promise<FacetClient>;
}

export interface RunnableEnv extends CommandEnv {
  /** Installs the services (output, client factory); called from the root preAction hook. */
  provide(services: EnvServices): void;
  /** Closes the client if one was created. */
  close(): Promise<void>;
}

export function createCommandEnv(
  ctx: Context,
  flags: () => GlobalFlags,
  runCommand: (argv: string[], ctx: Context) => Promise<number>,
): RunnableEnv {
  let services: EnvServices | undefined;
  let query: Query | undefined;
  let client: Promise<FacetClient> | undefined;
  let zone: Promise<string> | undefined;
  const need = (): EnvServices => {
    if (!services) throw new Error('command services used before the action started');
    return services;
  };
  const env: RunnableEnv = {
    ctx,
    flags,
    runCommand,
    get verbose() {
      return flags().verbose === true || envFlag(ctx.env, 'FACETCTL_VERBOSE');
    },
    output() {
      const o = flags().output;
      if (o === 'prometheus') throw new UsageError('-o prometheus is written by `device health` only');
      return o ?? outputFromEnv(ctx) ?? (ctx.io.stdoutIsTTY ? 'table' : 'json');
    },
    render(data, opts) {
      need().render(env, query ? query(data) : data, query ? {} : opts);
    },
    rows(opts) {
      const writer = need().rows(env, query ? {} : opts);
      if (!query) return writer;
      const q = query;
      return {
        write(row) {
          const selected = q(row);
          if (selected !== null && selected !== undefined) writer.write(selected);
        },
        end: () => writer.end(),
      };
    },
    async compileQuery(expression) {
      const { compileQuery } = await import('../core/query.js');
      query = await compileQuery(expression);
    },
    select(data) {
      return query ? query(data) : data;
    },
    get hasQuery() {
      return query !== undefined;
    },
    timeZone() {
      zone ??= import('../core/connection.js').then(({ resolveTimeZone }) =>
        resolveTimeZone(ctx, { timezone: flags().timezone, profile: flags().profile }),
      );
      return zone;
    },
    client(opts = {}) {
      client ??= need().client(env, opts);
      return client;
    },
    async confirm(question, yes) {
      if (yes || flags().yes) return;
      if (!ctx.io.stdinIsTTY || !ctx.io.stderrIsTTY) {
        throw new UsageError(`${question} Refusing without a terminal: pass --yes to confirm.`);
      }
      const { confirm } = await import('@inquirer/prompts');
      const ok = await confirm({ message: question, default: false }, promptContext(ctx)).catch((err: unknown) => {
        if (err instanceof Error && (err.name === 'ExitPromptError' || err.name === 'AbortPromptError')) return false;
        throw err;
      });
      if (!ok) throw new CancelledError('not confirmed: nothing was done');
    },
    progress(label) {
      return createProgress(ctx, label, flags().color !== false);
    },
    provide(s) {
      services = s;
    },
    async close() {
      if (client) await (await client.catch(() => undefined))?.close();
    },
  };
  return env;
}

/**
 * FACETCTL_OUTPUT (any case, blank = unset): one of the four formats (`prometheus` is `-o` only, for
 * `device health`); any other value is a usage error naming the variable.
 */
export function outputFromEnv(ctx: Context): OutputFormat | undefined {
  const raw = envValue(ctx.env, 'FACETCTL_OUTPUT')?.trim().toLowerCase();
  if (!raw) return undefined;
  if ((OUTPUT_FORMATS as readonly string[]).includes(raw)) return raw as OutputFormat;
  throw new UsageError(
    `FACETCTL_OUTPUT: unknown output format '${envValue(ctx.env, 'FACETCTL_OUTPUT')}': use one of ${OUTPUT_FORMATS.join(', ')}`,
  );
}
