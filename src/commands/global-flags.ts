/**
 * The global flags, declared ONCE in `GLOBAL_FLAGS`. Every list that concerns them is derived from
 * that table: the options added to the root, the names endpoint flags may not take
 * (`RESERVED_FLAG_NAMES`), the flags whose next word is a value (`GLOBAL_VALUE_FLAGS`, for finding the
 * command word in argv), the completion values, and the help of every command (commander's
 * `showGlobalOptions`).
 */
import { type Command, Option } from 'commander';
import type { OutputFormat } from '../core/output.js';
import { CSV_FORMULAS, type CsvFormulas } from '../core/untrusted-text.js';
import { type CompletionValues, setCompletionValues } from './option-meta.js';
import { nonNegativeInt, positiveNumber } from './option-parsers.js';

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
  query?: string;
  csvFormulas?: CsvFormulas;
  verbose?: boolean;
  retries?: number;
  timeout?: number;
  caCert?: string;
  insecureHttp?: boolean;
  yes?: boolean;
  /** `--timezone`/`--tz`: the cloud's zone (see core/dates.ts); checked when a command uses it. */
  timezone?: string;
  color: boolean;
}

interface GlobalFlagDef {
  /** Commander's syntax: `-o, --output <format>`. */
  flags: string;
  description: string;
  parse?: (value: string) => unknown;
  choices?: readonly string[];
  completion?: CompletionValues;
}

/** THE declaration of the global flags (order = order in help). */
export const GLOBAL_FLAGS: readonly GlobalFlagDef[] = [
  {
    flags: '--profile <name>',
    description: 'use this saved profile (default: FACETCTL_PROFILE, then the active profile)',
    completion: 'profile',
  },
  { flags: '--host <host-or-url>', description: 'facetCloud host or base URL (bare host → https://HOST/api1)' },
  { flags: '--token-stdin', description: 'read the API token from standard input (never pass it as an argument)' },
  {
    flags: '-o, --output <format>',
    description:
      'output format (default: FACETCTL_OUTPUT, else table on a terminal and json otherwise; prometheus: device health only)',
    choices: [...OUTPUT_FORMATS, ...COMMAND_OUTPUT_FORMATS],
  },
  {
    flags: '--query <expr>',
    description: 'JMESPath expression applied to the JSON answer before formatting (per row with --all)',
  },
  {
    flags: '--csv-formulas <mode>',
    description:
      "CSV: escape cells a spreadsheet would run (=, +, -, @) with a leading ' or keep them (default: escape with --bom or --encoding cp932, else keep)",
    choices: CSV_FORMULAS,
  },
  {
    flags: '--verbose',
    description: 'log each request and answer to stderr (the token is redacted; FACETCTL_VERBOSE=1)',
  },
  {
    flags: '--retries <n>',
    description: 'retries for calls that are safe to repeat (default 3)',
    parse: nonNegativeInt('--retries'),
  },
  {
    flags: '--timeout <seconds>',
    description: 'per-request timeout in seconds (default 30; longer for device calls)',
    parse: positiveNumber('--timeout', 'a number of seconds'),
  },
  { flags: '--ca-cert <file>', description: 'trust this PEM CA certificate (private CAs)', completion: 'file' },
  { flags: '--insecure-http', description: 'allow plain http to a host that is not loopback' },
  {
    flags: '-y, --yes',
    description: 'answer yes to confirmations (needed for destructive commands without a terminal)',
  },
  {
    flags: '--tz, --timezone <zone>',
    description:
      "the cloud's time zone for every date sent or compared (IANA name; default: FACETCTL_TIMEZONE, then the profile's, then Asia/Tokyo)",
  },
  { flags: '--no-color', description: 'no colours (also NO_COLOR; FORCE_COLOR forces them)' },
];

const OPTIONS: readonly Option[] = GLOBAL_FLAGS.map((def) => new Option(def.flags, def.description));

/** Long names taken by the root (and `version`, `help`): an endpoint flag with one would never reach its command. */
export const RESERVED_FLAG_NAMES: ReadonlySet<string> = new Set([
  ...OPTIONS.flatMap((o) => {
    const name = o.long!.slice(2);
    // `--tz, --timezone`: a second long name stands where commander keeps the short one.
    const alias = o.short?.startsWith('--') ? [o.short.slice(2)] : [];
    return o.negate ? [name, name.slice(3), ...alias] : [name, ...alias];
  }),
  'version',
  'help',
]);

/** Global flags that take the next word as their value (`--profile prod`, `-o csv`). */
export const GLOBAL_VALUE_FLAGS: ReadonlySet<string> = new Set(
  OPTIONS.filter((o) => o.required || o.optional).flatMap((o) => [o.long, o.short].filter((n): n is string => !!n)),
);

/** Adds every flag of `GLOBAL_FLAGS` to the root program. */
export function addGlobalFlags(program: Command): void {
  for (const def of GLOBAL_FLAGS) {
    const opt = new Option(def.flags, def.description);
    if (def.parse) opt.argParser(def.parse);
    if (def.choices) opt.choices(def.choices);
    if (def.completion) setCompletionValues(opt, def.completion);
    program.addOption(opt);
  }
}

export function readGlobalFlags(program: Command): GlobalFlags {
  return program.opts<GlobalFlags>();
}
