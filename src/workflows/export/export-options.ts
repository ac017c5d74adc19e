/** Option checks shared by the export commands: devices, time windows, output format. */
import { extname } from 'node:path';
import { parseUserDateTime } from '../../core/dates.js';
import { UsageError } from '../../core/errors.js';
import { type ExportClient, endpoint } from './export-client.js';
import type { ExportFormat } from './row-writer.js';

const SINCE = /^-?(\d{1,6})\s*([smhdw])$/i;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `--since 24h` (also 30m, 7d, 2w, 90s): that long before now. */
export function parseSince(text: string, now: Date): Date {
  const m = SINCE.exec(text.trim());
  if (!m) throw new UsageError(`--since ${text}: expected a duration such as 30m, 24h, 7d or 2w`);
  return new Date(now.getTime() - Number(m[1]) * UNIT_MS[m[2].toLowerCase()]);
}

const DURATION = /^(\d{1,6})\s*([smhdw])$/i;

/** A duration flag (`90s`, `10m`, `24h`, `7d`, `2w`) in milliseconds; UsageError naming the flag otherwise. */
export function parseDuration(flag: string, text: string): number {
  const m = DURATION.exec(text.trim());
  if (!m) throw new UsageError(`${flag} ${text}: expected a duration such as 90s, 10m, 24h, 7d or 2w`);
  return Number(m[1]) * UNIT_MS[m[2].toLowerCase()];
}

/** `--from`/`--to`: the API format, ISO 8601, a date, or relative (-24h, today, yesterday, now). */
export function parseWhen(flag: string, text: string, now: Date, zone?: string, end = false): Date {
  const d = parseUserDateTime(text, now, zone, { end });
  if (!d) {
    throw new UsageError(
      `${flag} ${text}: not a date and time (use YYYY/MM/DD HH:MI:SS, ISO 8601 such as 2024-05-01T09:00:00+09:00, or -24h/today/yesterday)`,
    );
  }
  return d;
}

export interface WindowFlags {
  from?: string;
  to?: string;
  since?: string;
}

/** The window of a log export; wall times are read in `zone` (the cloud's, default Asia/Tokyo). */
export function parseWindow(flags: WindowFlags, now: Date, zone?: string): { from?: Date; to?: Date } {
  if (flags.since && flags.from) throw new UsageError('--since and --from both set the start: give one');
  const from = flags.since
    ? parseSince(flags.since, now)
    : flags.from
      ? parseWhen('--from', flags.from, now, zone)
      : undefined;
  // `--to 2024/05/31` is through the 31st (its last second), as a person means it.
  const to = flags.to ? parseWhen('--to', flags.to, now, zone, true) : undefined;
  if (from && to && from > to) throw new UsageError('--from is after --to');
  return { from, to };
}

/** `-o` for exports: csv, ndjson or json; without -o, the --out extension decides, else ndjson. */
export function exportFormat(output: string | undefined, out: string | undefined): ExportFormat {
  if (output === 'csv' || output === 'ndjson' || output === 'json') return output;
  if (output !== undefined) throw new UsageError(`-o ${output}: exports write csv, ndjson or json`);
  const ext = out ? extname(out).toLowerCase() : '';
  if (ext === '.csv') return 'csv';
  if (ext === '.json') return 'json';
  return 'ndjson';
}

export function checkCsvFlags(format: ExportFormat, flags: { bom?: boolean; encoding?: string }): 'utf8' | 'cp932' {
  const enc = (flags.encoding ?? 'utf8').toLowerCase().replace(/[-_]/g, '');
  const encoding =
    enc === 'utf8' ? 'utf8' : enc === 'cp932' || enc === 'shiftjis' || enc === 'sjis' ? 'cp932' : undefined;
  if (!encoding) throw new UsageError(`--encoding ${flags.encoding}: use utf8 or cp932`);
  if (format !== 'csv' && (flags.bom || encoding !== 'utf8')) {
    throw new UsageError('--bom and --encoding apply to CSV only (-o csv); JSON is always UTF-8');
  }
  if (flags.bom && encoding === 'cp932') {
    throw new UsageError('--bom marks UTF-8; CP932 files have no byte order mark (Excel reads CP932 without one)');
  }
  return encoding;
}

/** `--serial S...` or `--all-devices` (every device getDevice lists), exactly one of them. */
export async function resolveSerials(
  client: () => Promise<ExportClient>,
  flags: { serial?: string[]; allDevices?: boolean },
  signal?: AbortSignal,
): Promise<string[]> {
  const given = flags.serial ?? [];
  if (given.length > 0 && flags.allDevices) throw new UsageError('give --serial or --all-devices, not both');
  if (given.length === 0 && !flags.allDevices)
    throw new UsageError('which devices? give --serial S (repeatable) or --all-devices');
  if (given.length > 0) return [...new Set(given)];
  const devices = await (await client()).json<{ serialNo: string }[]>(endpoint('device.getDevice'), {}, { signal });
  if (!Array.isArray(devices)) return [];
  return devices.map((d) => d.serialNo).filter((s): s is string => typeof s === 'string' && s !== '');
}
