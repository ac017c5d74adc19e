/**
 * What every command gets: the context, a lazily created client, the output format and renderer,
 * confirmation and progress. Command modules depend on this, not on commander or `process`.
 */

import type { FacetClient } from '../core/client.js';
import type { Context } from '../core/context.js';
import { CancelledError, UsageError } from '../core/errors.js';
import type { GlobalFlags, OutputFormat } from './global-flags.js';
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
  /** `-o/--output`, else table on a terminal and JSON otherwise. */
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
  /** The parsed global flags (addition to the contract). */
  flags(): GlobalFlags;
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

export function createCommandEnv(ctx: Context, flags: () => GlobalFlags): RunnableEnv {
  let services: EnvServices | undefined;
  let client: Promise<FacetClient> | undefined;
  const need = (): EnvServices => {
    if (!services) throw new Error('command services used before the action started');
    return services;
  };
  const env: RunnableEnv = {
    ctx,
    flags,
    get verbose() {
      return flags().verbose === true;
    },
    output() {
      const o = flags().output;
      if (o === 'prometheus') throw new UsageError('-o prometheus is written by `device health` only');
      return o ?? (ctx.io.stdoutIsTTY ? 'table' : 'json');
    },
    render(data, opts) {
      need().render(env, data, opts);
    },
    rows(opts) {
      return need().rows(env, opts);
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
