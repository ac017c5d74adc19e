/**
 * `facetctl config export|diff|apply`: settings backups and restores (src/workflows/export/config-files.ts),
 * declared as data (src/commands/declare.ts).
 */
import { resolve } from 'node:path';
import { note } from '../core/context.js';
import { DEVICE_REFUSED, PartialError, RuntimeError, UsageError } from '../core/errors.js';
import type { ApplyOutcome, ConfigExportItem } from '../workflows/export/config-files.js';
import { defineCommand } from './declare.js';
import { ExitWith } from './exit.js';
import { CONTRACT_DEVICE_FLAGS } from './shared-flags.js';

/** The workflow and the file checks, loaded when a command runs, not to declare it (docs/development.md). */
async function workflow() {
  const [configFiles, { resolveSerials }, { checkOutputFolder }] = await Promise.all([
    import('../workflows/export/config-files.js'),
    import('../workflows/export/export-options.js'),
    import('../core/safe-file.js'),
  ]);
  return { ...configFiles, resolveSerials, checkOutputFolder };
}

function show(v: unknown): string {
  return v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
}

const FILE_OF = { config: 'config.json', configBin: 'config.bin', logo: 'logo.png' } as const;

/**
 * What AI cameras answer to getConfig/exportConfig/getLogo (the document: they have no settings APIs).
 * A faulty terminal answers the same words, so the run still fails; the hint only names the usual cause.
 */
const DEVICE_ERROR = DEVICE_REFUSED;

/** `SERIAL: FILE: reason` for every file not written (the reason carries the API's words verbatim). */
function exportFailureLines(failed: readonly ConfigExportItem[]): string[] {
  const lines: string[] = [];
  for (const item of failed) {
    for (const field of ['config', 'configBin', 'logo'] as const) {
      const reason = item[field];
      if (reason === 'ok') continue;
      const hint = DEVICE_ERROR.test(reason) ? ' (AI cameras do not support the settings APIs)' : '';
      lines.push(`${item.serialNo}: ${FILE_OF[field]}: ${reason}${hint}`);
    }
  }
  return lines;
}

/** `SERIAL: reason` for a device that failed, `SERIAL: setConfig errored: keys` for keys it refused. */
function applyFailureLines(bad: readonly ApplyOutcome[]): string[] {
  const lines: string[] = [];
  for (const o of bad) {
    if (o.error) lines.push(`${o.serialNo}: ${o.error}`);
    if (o.errored.length > 0) lines.push(`${o.serialNo}: setConfig errored: ${o.errored.join(', ')}`);
  }
  return lines;
}

interface ExportFlags {
  serial?: string[];
  allDevices?: boolean;
  dir: string;
}

const exportCommand = defineCommand<ExportFlags>({
  path: ['config', 'export'],
  query: true,
  summary: 'Back up each device: DIR/<serial>/config.json (getConfig), config.bin (exportConfig), logo.png',
  flags: [
    ...CONTRACT_DEVICE_FLAGS,
    { flags: '--dir <dir>', help: 'folder to write into (created if missing)', required: true, completion: 'file' },
  ],
  helpAfter: [
    '',
    'Exit codes: 0 every file of every device written, 3 some failed (listed; the rest is written),',
    '1 when nothing could be written. AI cameras have no settings APIs: they answer',
    '「デバイス[S]がエラーを返却しています。」, listed with that hint, and the run exits 3.',
    '',
    'Examples:',
    '  facetctl config export --all-devices --dir backup/$(date +%F)',
    '  facetctl config export --serial 7L11R010014 --dir backup',
  ].join('\n'),
  async run(env, flags) {
    const { checkOutputFolder, resolveSerials, exportConfigs, exportItemFailed } = await workflow();
    const ctx = env.ctx;
    const dir = resolve(ctx.cwd, flags.dir);
    // A folder that cannot be made or written fails before any device is asked (exit 2).
    await checkOutputFolder(dir, '--dir');
    const serials = await resolveSerials(() => env.client(), flags, ctx.signal);
    const client = await env.client();
    const items = await exportConfigs(client, serials, dir, ctx.processes, ctx.signal, ctx.fault);
    env.render(items, { columns: ['serialNo', 'config', 'configBin', 'logo'] });
    const failed = items.filter(exportItemFailed);
    for (const line of exportFailureLines(failed)) note(ctx, line);
    note(ctx, `config export: ${items.length - failed.length} of ${items.length} device(s) complete in ${flags.dir}`);
    const nothing = items.every((i) => i.config !== 'ok' && i.configBin !== 'ok' && i.logo !== 'ok');
    if (nothing) throw new RuntimeError('config export: nothing could be written');
    if (failed.length > 0) throw new PartialError(`config export: ${failed.length} device(s) incomplete`);
  },
});

const FILE_ARG = { name: '<file>', help: 'config.json from `config export` (or any JSON object of settings)' };

const diffCommand = defineCommand<{ serial: string; exitCode?: boolean }>({
  path: ['config', 'diff'],
  query: true,
  summary: 'Show the settings of FILE that differ from the device (key, file value, device value)',
  args: [FILE_ARG],
  flags: [
    { flags: '--serial <serial>', help: 'device serial number', required: true },
    { flags: '--exit-code', help: 'exit 1 when there are differences (like git diff --exit-code)' },
  ],
  helpAfter: [
    '',
    'Keys only on the device are not differences (a file may hold a few settings); read-only values',
    '(MAC address, versions) are not listed either: config apply cannot set them (stderr names them).',
    'Exit codes: 0 (also with differences, unless --exit-code: then 1 when any differ), 2 bad file.',
    '',
    'Example:',
    '  facetctl config diff backup/7L11R010014/config.json --serial 7L11R010014',
  ].join('\n'),
  async run(env, flags, call) {
    const { readConfigFile, diffWithDevice } = await workflow();
    const file = call.args[0] as string;
    const ctx = env.ctx;
    const data = await readConfigFile(resolve(ctx.cwd, file));
    const diffs = await diffWithDevice(await env.client(), data, flags.serial, ctx.signal);
    const out = env.output();
    env.render(
      out === 'json' || out === 'ndjson'
        ? diffs
        : diffs.map((d) => ({ key: d.key, file: show(d.file), device: show(d.device) })),
      { columns: ['key', 'file', 'device'] },
    );
    note(ctx, diffs.length === 0 ? 'no differences' : `${diffs.length} setting(s) differ`);
    const readOnly = diffs.readOnly ?? [];
    if (readOnly.length > 0) {
      note(
        ctx,
        `${readOnly.length} read-only value(s) differ and are not listed (${readOnly.map((d) => d.key).join(', ')}): config apply cannot set them`,
      );
    }
    if (flags.exitCode && diffs.length > 0) throw new ExitWith(1);
  },
});

const applyCommand = defineCommand<{ serial?: string[]; allDevices?: boolean; dryRun?: boolean }>({
  path: ['config', 'apply'],
  query: true,
  summary: 'Set the settings of FILE that differ on each device (setConfig with only the changed keys)',
  args: [FILE_ARG],
  flags: [...CONTRACT_DEVICE_FLAGS, { flags: '--dry-run', help: 'show what would change; send nothing' }],
  helpAfter: [
    '',
    'Every key is checked against the documented ranges first: an unknown key or a value out of',
    'range stops everything (exit 2, nothing sent). Read-only keys (e.g. those getConfig reports but',
    'setConfig does not take) are ignored with a note, so a backup applies as it is.',
    'Exit codes: 0 all updated, 3 some keys or devices errored, 2 bad file.',
    '',
    'Examples:',
    '  facetctl config apply backup/7L11R010014/config.json --serial 7L11R010015 --dry-run',
    '  facetctl config apply settings.json --all-devices',
  ].join('\n'),
  async run(env, flags, call) {
    const { readConfigFile, planApply, resolveSerials, applyConfig } = await workflow();
    const file = call.args[0] as string;
    const ctx = env.ctx;
    const data = await readConfigFile(resolve(ctx.cwd, file));
    const plan = planApply(data);
    if (plan.readOnly.length > 0) note(ctx, `ignored read-only settings: ${plan.readOnly.join(', ')}`);
    if (Object.keys(plan.settable).length === 0) throw new UsageError(`${file} holds no settable setting`);
    const serials = await resolveSerials(() => env.client(), flags, ctx.signal);
    const outcomes = await applyConfig(await env.client(), plan, serials, {
      dryRun: flags.dryRun === true,
      signal: ctx.signal,
    });
    const out = env.output();
    if (out === 'json' || out === 'ndjson') env.render(outcomes);
    else {
      env.render(
        outcomes.map((o) => ({
          serialNo: o.serialNo,
          changes: o.changes.map((c) => `${c.key}: ${show(c.device)} → ${show(c.file)}`).join('\n'),
          updated: o.updated.join(', '),
          errored: o.errored.join(', '),
          error: o.error ?? '',
        })),
        { columns: ['serialNo', 'changes', 'updated', 'errored', 'error'] },
      );
    }
    const bad = outcomes.filter((o) => o.error || o.errored.length > 0);
    for (const line of applyFailureLines(bad)) note(ctx, line);
    note(
      ctx,
      flags.dryRun
        ? `dry run: ${outcomes.reduce((n, o) => n + o.changes.length, 0)} change(s) on ${outcomes.length} device(s), nothing sent`
        : `config apply: ${outcomes.length - bad.length} of ${outcomes.length} device(s) fully updated`,
    );
    if (bad.length > 0) throw new PartialError(`config apply: ${bad.length} device(s) had errors`);
  },
});

export const commands = [exportCommand, diffCommand, applyCommand];
