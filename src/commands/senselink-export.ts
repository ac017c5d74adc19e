/** `facetctl senselink record export`: 認証レコード+ records over any range, in ≤24 h windows. */
import { resolve } from 'node:path';
import { note } from '../core/context.js';
import { UsageError } from '../core/errors.js';
import { defineCommand } from './declare.js';
import { ExitWith } from './exit.js';
import { CP932_REPLACE_FLAG } from './shared-flags.js';

interface Flags {
  from: string;
  to: string;
  sn?: string;
  out?: string;
  bom?: boolean;
  encoding?: string;
  cp932Replace?: string;
  images?: string;
}

export const commands = [
  defineCommand<Flags>({
    path: ['senselink', 'record', 'export'],
    summary: 'Export 認証レコード+ records of any range (cut into ≤24 h windows), 100 a page, streamed',
    flags: [
      {
        flags: '--from <time>',
        help: 'start: ISO 8601, YYYY/MM/DD HH:MI:SS, a date, or -48h/yesterday',
        required: true,
      },
      { flags: '--to <time>', help: 'end (same forms; a date alone means through that day), e.g. now', required: true },
      { flags: '--sn <serial>', help: 'only this device' },
      { flags: '--out <file>', help: 'write to this file atomically; default (or -) stdout' },
      { flags: '--bom', help: 'CSV: UTF-8 byte order mark (Excel)' },
      { flags: '--encoding <name>', help: 'CSV: utf8 (default) or cp932', completion: ['utf8', 'cp932'] },
      CP932_REPLACE_FLAG,
      { flags: '--images <dir>', help: 'save each snapshot as DIR/<image_id>.jpg (existing files are kept)' },
    ],
    helpAfter: [
      '',
      'Output: -o ndjson (default), -o csv or -o json. Records come in ascending record id per window.',
      'Exit codes: 0 ok, 1 API error (with --out nothing is written), 2 bad flags, 3 some snapshots failed',
      '(or, with --encoding cp932, some records held characters CP932 cannot hold: see --cp932-replace).',
      '',
      'Examples:',
      '  facetctl senselink record export --from -72h --to now -o csv --out records.csv',
      '  facetctl senselink record export --from 2024-05-01T00:00:00+09:00 --to 2024-05-03T00:00:00+09:00 --sn JKQ00009234 --images snaps/',
    ].join('\n'),
    async run(env, flags) {
      const [
        { checkCsvFlags, exportFormat, parseWhen },
        { checkSenselinkExportPaths, runSenselinkExport, senselinkFailure },
        { exportCsvSafety },
      ] = await Promise.all([
        import('../workflows/export/export-options.js'),
        import('../workflows/export/senselink-export.js'),
        import('./csv-safety.js'),
      ]);
      const ctx = env.ctx;
      const now = ctx.now();
      const format = exportFormat(env.flags().output, flags.out);
      const encoding = checkCsvFlags(format, flags);
      const safety = exportCsvSafety(env, flags, encoding);
      const zone = await env.timeZone();
      const from = parseWhen('--from', flags.from, now, zone);
      const to = parseWhen('--to', flags.to, now, zone, true);
      if (from > to) throw new UsageError('--from is after --to');
      const out = flags.out ? resolve(ctx.cwd, flags.out) : undefined;
      const images = flags.images ? resolve(ctx.cwd, flags.images) : undefined;
      await checkSenselinkExportPaths({ out, images });
      const client = await env.client({ senselink: true });
      const progress = env.progress('exporting 認証レコード+ records');
      if (!out) ctx.stdoutClosed = { exitCode: 1, message: 'stdout was closed before the export finished' };
      const result = await runSenselinkExport(client, {
        from,
        to,
        sn: flags.sn,
        format,
        out,
        bom: flags.bom,
        encoding,
        csv: safety.csv,
        images,
        zone,
        signal: ctx.signal,
        owner: ctx.processes,
        fault: ctx.fault,
        stdout: ctx.io.stdout,
        onProgress: (n) => progress.update(`${n} records`),
      }).catch((err: unknown) => {
        progress.fail();
        throw err;
      });
      progress.stop();
      ctx.stdoutClosed = undefined;
      for (const f of result.images.failed) note(ctx, `snapshot ${f.image_id} not saved: ${f.reason}`);
      const imgs = flags.images
        ? `, ${result.images.saved} snapshots saved (${result.images.skipped} already there)`
        : '';
      note(ctx, `exported ${result.rows} records in ${result.windows} window(s)${imgs}`);
      const unwritable = safety.finish();
      const failure = senselinkFailure(result);
      if (failure) throw failure;
      if (unwritable) throw new ExitWith(3);
    },
  }),
];
