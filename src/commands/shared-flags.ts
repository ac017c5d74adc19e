/**
 * Flags several hand-written commands declare alike (src/commands/declare.ts), written once so their
 * help, parsing and completion cannot drift apart. A flag whose help differs between two commands
 * (e.g. `--out` of `log recog export` and of `senselink record export`) stays with its command.
 */
import type { FlagDecl } from './declare.js';
import { collect, intIn } from './option-parsers.js';

/** `--serial S` (repeatable): the devices to work on. */
export const SERIAL_FLAG: FlagDecl = {
  flags: '--serial <serial>',
  help: 'device serial number (repeatable)',
  parse: collect,
};

/**
 * `--serial` and `--all-devices` as the log commands declare them (`log … export|tail`, `log recog
 * stats`); resolveSerials (src/workflows/export/export-options.ts) reads them.
 */
export const DEVICE_FLAGS: readonly FlagDecl[] = [
  SERIAL_FLAG,
  { flags: '--all-devices', help: 'every device of the contract (device list)' },
];

/** `--serial` and `--all-devices` as `config export|apply` and `person reconcile` declare them. */
export const CONTRACT_DEVICE_FLAGS: readonly FlagDecl[] = [
  SERIAL_FLAG,
  { flags: '--all-devices', help: 'every device of the contract' },
];

/** The persons CSV's encoding (`person import`, `person sync|diff`). */
export const CSV_ENCODING_FLAG: FlagDecl = {
  flags: '--encoding <name>',
  help: 'force the CSV encoding: utf8, cp932, utf16le or utf16be (default: from the BOM or the bytes)',
  completion: ['utf8', 'cp932', 'utf16le', 'utf16be'],
};

/** Persons CSV: columns that are not API parameter names are ignored instead of refused. */
export const IGNORE_UNKNOWN_COLUMNS_FLAG: FlagDecl = {
  flags: '--ignore-unknown-columns',
  help: 'ignore columns that are not API parameter names',
};

/** Persons CSV: non-compliant pictures converted in memory. */
export const FIX_PICTURES_FLAG: FlagDecl = {
  flags: '--fix-pictures',
  help: 'convert PNG, oversized and EXIF-rotated pictures to a compliant JPEG (files untouched)',
};

/** Persons CSV: skip the cloud's checkPersonPicture (opts.remoteCheck, true unless given). */
export const NO_REMOTE_CHECK_FLAG: FlagDecl = {
  flags: '--no-remote-check',
  help: "skip the cloud's checkPersonPicture before registering (every picture is then decoded locally)",
};

/** Cloud calls at once of the person workflows, 1–64 (default 8). */
export const CLOUD_CONCURRENCY_FLAG: FlagDecl = {
  flags: '--concurrency <n>',
  help: 'cloud calls at once',
  parse: intIn(1, 64),
  default: 8,
};

/** `--cp932-replace TEXT` of every export writing CSV (read by `exportCsvSafety`). */
export const CP932_REPLACE_FLAG: FlagDecl = {
  flags: '--cp932-replace <text>',
  help: 'CSV cp932: write TEXT for characters CP932 cannot hold (𠮷, emoji) and exit 0; default: ? and exit 3, rows named',
};
