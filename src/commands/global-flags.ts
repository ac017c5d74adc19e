import { type Command, InvalidArgumentError, Option } from 'commander';

import type { OutputFormat } from '../core/output.js';

export type { OutputFormat } from '../core/output.js';
/** Kept here (not imported from core/output.ts) so building the tree loads no renderer. */
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'json', 'ndjson', 'csv'];
/** Formats that only some commands write (`device health -o prometheus`); the others refuse them. */
export const COMMAND_OUTPUT_FORMATS = ['prometheus'] as const;
export type CommandOutputFormat = (typeof COMMAND_OUTPUT_FORMATS)[number];

/** The flags every command accepts, before or after the command words. */
export interface GlobalFlags {
  profile?: string;
  host?: string;
  tokenStdin?: boolean;
  output?: OutputFormat | CommandOutputFormat;
  verbose?: boolean;
  retries?: number;
  timeout?: number;
  caCert?: string;
  insecureHttp?: boolean;
  yes?: boolean;
  color: boolean;
}

/**
 * Long names taken by the root program. Commander recognises root options after the command words
 * too, so an endpoint flag with one of these names would never reach its command.
 */
export const RESERVED_FLAG_NAMES: ReadonlySet<string> = new Set([
  'profile',
  'host',
  'token-stdin',
  'output',
  'verbose',
  'retries',
  'timeout',
  'ca-cert',
  'insecure-http',
  'yes',
  'color',
  'no-color',
  'version',
  'help',
]);

function nonNegativeInt(what: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`${what} must be a whole number (got '${value}')`);
    return Number(value);
  };
}

function positiveSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError(`must be a number of seconds above 0 (got '${value}')`);
  return n;
}

export function addGlobalFlags(program: Command): void {
  program
    .option('--profile <name>', 'use this saved profile (default: FACETCTL_PROFILE, then the active profile)')
    .option('--host <host-or-url>', 'facetCloud host or base URL (bare host → https://HOST/api1)')
    .option('--token-stdin', 'read the API token from standard input (never pass it as an argument)')
    .addOption(
      new Option('-o, --output <format>', 'output format (default: table on a terminal, json otherwise)').choices([
        ...OUTPUT_FORMATS,
        ...COMMAND_OUTPUT_FORMATS,
      ]),
    )
    .option('--verbose', 'log each request and answer to stderr (the token is redacted)')
    .option('--retries <n>', 'retries for calls that are safe to repeat (default 3)', nonNegativeInt('--retries'))
    .option(
      '--timeout <seconds>',
      'per-request timeout in seconds (default 30; longer for device calls)',
      positiveSeconds,
    )
    .option('--ca-cert <file>', 'trust this PEM CA certificate (private CAs)')
    .option('--insecure-http', 'allow plain http to a host that is not loopback')
    .option('-y, --yes', 'answer yes to confirmations (needed for destructive commands without a terminal)')
    .option('--no-color', 'no colours in tables and help');
}

export function readGlobalFlags(program: Command): GlobalFlags {
  return program.opts<GlobalFlags>();
}
