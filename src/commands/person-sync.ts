/**
 * `facetctl person sync FILE`, `person diff FILE` and `person reconcile`: declared commands for
 * src/workflows/sync/. The plan and the reconcile lists are data (stdout: a table on a terminal,
 * JSON otherwise, or -o); progress, summaries and problems go to stderr.
 */
import { resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { CancelledError, ExitCode, UsageError } from '../core/errors.js';
import type { PersonPlan, SyncPlan } from '../workflows/sync/plan.js';
import type { DeviceDrift, RepairDirection } from '../workflows/sync/reconcile.js';
import type { SyncScope } from '../workflows/sync/types.js';
import { defineCommand, type FlagDecl } from './declare.js';
import type { CommandEnv } from './env.js';
import { reportError } from './errors-report.js';
import { ExitWith } from './exit.js';
import { collect } from './option-parsers.js';
import { defaultJournalPath } from './person-import.js';
import {
  CLOUD_CONCURRENCY_FLAG,
  CONTRACT_DEVICE_FLAGS,
  CSV_ENCODING_FLAG,
  FIX_PICTURES_FLAG,
  IGNORE_UNKNOWN_COLUMNS_FLAG,
  NO_REMOTE_CHECK_FLAG,
} from './shared-flags.js';

interface SyncFlags {
  encoding?: string;
  ignoreUnknownColumns?: boolean;
  fixPictures?: boolean;
  personCodePrefix?: string;
  personType?: string;
  scopeSerial?: string[];
  checkDevices?: boolean;
  prune?: boolean;
  pruneCloud?: boolean;
  dryRun?: boolean;
  detailedExitcode?: boolean;
  remoteCheck: boolean;
  image: boolean;
  pictureCache: boolean;
  concurrency: number;
  journal?: string;
  report?: string;
}

interface ReconcileFlags {
  serial?: string[];
  allDevices?: boolean;
  repair?: string;
  journal?: string;
}

function prefix(value: string): string {
  if (value === '' || value.includes('*')) throw new InvalidArgumentError('must be a non-empty prefix without *');
  return value;
}

function typeCode(value: string): string {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`must be a person type code (a number), got '${value}'`);
  return String(Number(value));
}

function direction(value: string): RepairDirection {
  if (value !== 'to-device' && value !== 'to-cloud') {
    throw new InvalidArgumentError(`must be to-device (the cloud is right) or to-cloud (the devices are right)`);
  }
  return value;
}

const SCOPE_HELP = [
  '',
  'Scope (which existing persons FILE speaks for; criteria combine; none = every person of the contract):',
  '  --person-code-prefix P   persons whose personCode starts with P (getPersonFromCloud personCode=P*)',
  '  --person-type T          persons of person type code T (entry/exit mode contracts)',
  '  --scope-serial S         persons held by device S (repeatable); removals only on these devices',
  'Every row must lie inside the scope (else exit 2, nothing sent). Persons outside it are never changed.',
];

/** The argument and flags `person sync` and `person diff` share (diff is sync's plan, sent nowhere). */
const FILE_ARGS = [{ name: '<file>', help: 'CSV of persons, the same columns as `person import` (the desired state)' }];

const FILE_FLAGS: readonly FlagDecl[] = [
  CSV_ENCODING_FLAG,
  IGNORE_UNKNOWN_COLUMNS_FLAG,
  FIX_PICTURES_FLAG,
  { flags: '--person-code-prefix <prefix>', help: 'scope: persons whose personCode starts with this', parse: prefix },
  { flags: '--person-type <code>', help: 'scope: persons of this person type code', parse: typeCode },
  { flags: '--scope-serial <serial>', help: 'scope: persons held by this device (repeatable)', parse: collect },
  { flags: '--check-devices', help: "read each device's persons instead of trusting the cloud's serialNos" },
  { flags: '--prune', help: 'remove persons from devices the file does not name for them' },
  {
    flags: '--prune-cloud',
    help: 'delete persons of the scope that are not in the file from the cloud (and its devices)',
  },
  {
    flags: '--detailed-exitcode',
    help: 'exit 0 when nothing would change, 2 when something would, 1 on any error',
  },
  NO_REMOTE_CHECK_FLAG,
  { flags: '--no-image', help: 'send updates to devices without the picture' },
  {
    flags: '--no-picture-cache',
    help: 'download and hash every cloud picture instead of trusting the hashes remembered per picture URL',
  },
  CLOUD_CONCURRENCY_FLAG,
  {
    flags: '--journal <file>',
    help: 'journal of completed steps (default: FILE.facetctl-journal.ndjson beside the CSV; the picture cache goes beside it)',
    completion: 'file',
  },
  {
    flags: '--report <file>',
    help: 'write a CSV line per person and device step; - for stdout',
    completion: 'file',
  },
];

export const commands = [
  defineCommand<SyncFlags>({
    path: ['person', 'sync'],
    query: true,
    summary: 'Make the cloud and the devices match FILE for a scope of persons (plan, then apply)',
    args: FILE_ARGS,
    flags: [
      ...FILE_FLAGS,
      {
        flags: '--dry-run',
        help: 'print the plan and send nothing that changes anything (same as `person diff`)',
      },
    ],
    helpAfter: [
      ...SCOPE_HELP,
      '',
      'Exit codes: 0 done (or nothing to do), 2 invalid input or a prune without --yes (nothing sent),',
      '3 some steps failed or a device could not be read (--check-devices; also with --dry-run),',
      '130 interrupted (run the same command again to finish).',
      'With --detailed-exitcode: 0 no changes, 2 changes (planned with --dry-run, or applied), 1 any error.',
      '',
      'Examples:',
      '  facetctl person sync hr.csv --person-code-prefix HQ- --dry-run',
      '  facetctl person sync hr.csv --person-code-prefix HQ- --check-devices --prune --yes',
    ].join('\n'),
    run: (env, flags, call) => runSync(env, call.args[0] as string, flags, flags.dryRun === true),
  }),
  defineCommand<SyncFlags>({
    path: ['person', 'diff'],
    query: true,
    summary: 'Print the plan `person sync FILE` would apply (sends nothing)',
    args: FILE_ARGS,
    // No --report: nothing is sent, so there is no step to report; the plan is the output (-o csv).
    flags: FILE_FLAGS.filter((f) => !f.flags.startsWith('--report')),
    helpAfter: [
      ...SCOPE_HELP,
      '',
      'Output: a table on a terminal, JSON otherwise (-o json|ndjson|csv|table).',
      'Exit codes: 0, or with --detailed-exitcode 0 no changes, 2 changes, 1 any error; 3 (either way)',
      'a device could not be read with --check-devices (the plan used its cloud record).',
      '',
      'Example:',
      '  facetctl person diff hr.csv --person-code-prefix HQ- --detailed-exitcode',
    ].join('\n'),
    run: (env, flags, call) => runSync(env, call.args[0] as string, flags, true),
  }),
  defineCommand<ReconcileFlags>({
    path: ['person', 'reconcile'],
    query: true,
    summary: 'Compare what the cloud believes each device holds with what the device holds; --repair fixes it',
    flags: [
      ...CONTRACT_DEVICE_FLAGS,
      {
        flags: '--repair <direction>',
        help: 'to-device (the cloud is right) or to-cloud (the devices are right)',
        parse: direction,
        completion: ['to-device', 'to-cloud'],
      },
      {
        flags: '--journal <file>',
        help: 'record each repair step done (ndjson, the import journal format)',
        completion: 'file',
      },
    ],
    helpAfter: [
      '',
      'Per device, three lists: onlyOnDevice (unknown to the cloud), onlyInCloud (believed, missing on the',
      'device), both. Output: a table on a terminal, JSON otherwise (-o json|ndjson|csv|table).',
      '--repair to-device: toDevice the missing, deletePersonFromDevice the unknown ones.',
      '--repair to-cloud:  deletePersonAssociation the missing, toCloud the unknown ones.',
      '',
      'Exit codes: 0 everything agrees (or was repaired), 3 drift found (or a device unreachable, or a',
      'repair step failed), 2 bad flags or a repair without --yes.',
      '',
      'Examples:',
      '  facetctl person reconcile --all-devices',
      '  facetctl person reconcile --serial GATE1 --repair to-device --yes',
    ].join('\n'),
    run: (env, flags) => runReconcile(env, flags),
  }),
];

/** One line per person for tables and CSV. */
function planRows(plan: SyncPlan): Record<string, string>[] {
  return plan.persons.map((p: PersonPlan) => ({
    personCode: p.personCode,
    row: p.row === undefined ? '' : String(p.row),
    action: p.action,
    changes: p.changes.join(' '),
    toDevice: p.toDevice.join(' '),
    removeFrom: p.removeFrom.join(' '),
    deleteFromCloud: p.deleteFromCloud ? 'yes' : '',
  }));
}

const PLAN_COLUMNS = ['personCode', 'row', 'action', 'changes', 'toDevice', 'removeFrom', 'deleteFromCloud'];

function renderPlan(env: CommandEnv, plan: SyncPlan): void {
  const out = env.output();
  if (out === 'json') env.render(plan);
  else env.render(planRows(plan), { columns: PLAN_COLUMNS });
}

function planSummary(plan: SyncPlan): string {
  const c = plan.counts;
  const parts = [
    `${c.create} to create`,
    `${c.update} to update`,
    `${c.send} to send`,
    `${c.toDevice} toDevice`,
    `${c.removeFromDevice} device removals`,
    `${c.delete} cloud deletions`,
    `${c.unchanged} unchanged`,
  ];
  return `Plan (${plan.scope}): ${parts.join(', ')}`;
}

async function runSync(env: CommandEnv, file: string, flags: SyncFlags, dryRun: boolean): Promise<void> {
  try {
    await syncAction(env, file, flags, dryRun);
  } catch (err) {
    // terraform's habit: with --detailed-exitcode, 2 means "changes" only, so every error is 1.
    if (!flags.detailedExitcode || err instanceof ExitWith || err instanceof CancelledError) throw err;
    reportError(env.ctx, err, { verbose: env.verbose });
    throw new ExitWith(ExitCode.error);
  }
}

async function syncAction(env: CommandEnv, file: string, flags: SyncFlags, dryRun: boolean): Promise<void> {
  const ctx = env.ctx;
  const err = (line: string) => ctx.io.stderr.write(`${line}\n`);
  const pruning = flags.prune === true || flags.pruneCloud === true;
  const yes = env.flags().yes === true;
  if (dryRun && flags.report) {
    throw new UsageError(
      '--report lists the steps sent; with --dry-run nothing is sent: the plan is the output (-o csv)',
    );
  }
  if (flags.report && flags.report !== '-') {
    // Checked before anything is sent, as import checks its --report (core/safe-file.ts).
    const { checkOutputFile } = await import('../core/safe-file.js');
    await checkOutputFile(resolve(ctx.cwd, flags.report), '--report', { dashIsStdout: true });
  }
  if (pruning && !dryRun && !yes && !ctx.io.stdinIsTTY) {
    throw new UsageError(
      '--prune/--prune-cloud remove persons: pass --yes to confirm without a terminal (nothing was sent)',
    );
  }
  const [{ syncPersons }, { parseEncodingName }, { pictureCachePath }] = await Promise.all([
    import('../workflows/sync/sync-persons.js'),
    import('../workflows/import/csv-decode.js'),
    import('../workflows/sync/picture-cache.js'),
  ]);
  const csvPath = resolve(ctx.cwd, file);
  const journalPath = flags.journal ? resolve(ctx.cwd, flags.journal) : defaultJournalPath(csvPath);
  const scope: SyncScope = {
    personCodePrefix: flags.personCodePrefix,
    personTypeCode: flags.personType,
    serials: [...new Set(flags.scopeSerial ?? [])],
  };
  let progress: ReturnType<CommandEnv['progress']> | undefined;
  const result = await syncPersons({
    csvPath,
    encoding: flags.encoding ? parseEncodingName(flags.encoding) : undefined,
    ignoreUnknownColumns: flags.ignoreUnknownColumns === true,
    fixPictures: flags.fixPictures === true,
    scope,
    checkDevices: flags.checkDevices === true,
    prune: flags.prune === true,
    pruneCloud: flags.pruneCloud === true,
    dryRun,
    remoteCheck: flags.remoteCheck !== false,
    noImage: flags.image === false,
    concurrency: flags.concurrency,
    journalPath,
    pictureCache:
      flags.pictureCache === false ? undefined : { path: pictureCachePath(journalPath), owner: ctx.processes },
    onNote: err,
    target: async () => (await import('./services.js')).cloudTarget(env),
    now: () => ctx.now(),
    signal: ctx.signal,
    client: () => env.client(),
    onPlan: async (plan) => {
      for (const u of plan.unreachable)
        err(`device ${u.serialNo} could not be read (its cloud record was used): ${u.message}`);
      if (plan.notInFile.length > 0 && !pruning) {
        err(
          `${plan.notInFile.length} person(s) of the scope are not in the file and were left alone (--prune, --prune-cloud)`,
        );
      }
      err(planSummary(plan));
      if (dryRun) {
        renderPlan(env, plan);
        return;
      }
      const removals = plan.counts.removeFromDevice + plan.counts.delete;
      if (pruning && removals > 0) {
        if (!yes && ctx.io.stdinIsTTY) {
          // What the question is about, as terraform shows its plan before asking.
          const doomed = plan.persons.filter((p) => p.removeFrom.length > 0 || p.deleteFromCloud);
          for (const p of doomed.slice(0, 20)) {
            const where = [
              p.removeFrom.length ? `from ${p.removeFrom.join(', ')}` : '',
              p.deleteFromCloud ? 'from the cloud' : '',
            ]
              .filter(Boolean)
              .join(' and ');
            err(`  remove ${p.personCode} ${where}`);
          }
          if (doomed.length > 20) err(`  … and ${doomed.length - 20} more (person diff shows them all)`);
        }
        await env.confirm(
          `Remove ${plan.counts.removeFromDevice} person(s) from devices and delete ${plan.counts.delete} from the cloud?`,
          yes,
        );
      }
      progress = env.progress('syncing');
    },
    onProgress: (p) => progress?.update(`${p.rowsDone}/${p.rowsTotal} persons, ${p.sent} calls`),
    onRetry: env.verbose
      ? (row, step, attempt, e, delay) =>
          err(`retry ${attempt}: row ${row.row}, ${step}: ${e.message} (waiting ${delay} ms)`)
      : undefined,
  }).finally(() => progress?.stop());

  if (env.verbose && flags.pictureCache !== false) {
    const { hits, misses } = result.pictureCache;
    err(`cloud pictures: ${hits} known from the picture cache, ${misses} downloaded`);
  }
  const changes = result.plan.persons.length > 0;
  if (dryRun) {
    // A plan read from a device's cloud record instead of the device is not a clean plan (docs/sync.md).
    if (result.plan.unreachable.length > 0) throw new ExitWith(ExitCode.partial);
    if (flags.detailedExitcode && changes) throw new ExitWith(2);
    return;
  }
  if (flags.report) await writeReport(env, flags.report, result.lines);
  const failed = result.lines.filter((l) => l.status === 'failed');
  for (const l of failed.slice(0, 20)) {
    const where = [l.personCode, l.serialNo ? `device ${l.serialNo}` : ''].filter(Boolean).join(', ');
    err(`failed: ${where}, ${l.step}: ${l.message}`);
  }
  if (failed.length > 20) err(`… and ${failed.length - 20} more failures (see --report)`);
  // A person with a failed step is not "changed": the summary counts persons done and not done.
  const notDone = new Set(failed.map((l) => l.personCode)).size;
  const done = result.plan.persons.length - notDone;
  err(
    `Sync: ${done} of ${result.plan.persons.length} person(s) done${notDone ? `, ${notDone} with failed steps` : ''}, ` +
      `${result.applied?.sent ?? 0} calls sent, ${failed.length} failed step(s), ${(result.elapsedMs / 1000).toFixed(1)} s`,
  );
  if (result.applied?.cancelled) {
    throw new CancelledError('the sync was interrupted; run the same command again to finish');
  }
  if (failed.length > 0 || result.plan.unreachable.length > 0) throw new ExitWith(ExitCode.partial);
  if (flags.detailedExitcode && changes) throw new ExitWith(2);
}

async function writeReport(
  env: CommandEnv,
  target: string,
  lines: Awaited<ReturnType<typeof import('../workflows/sync/sync-persons.js').syncPersons>>['lines'],
): Promise<void> {
  const report = await import('../workflows/import/report.js');
  const asImport = lines as Parameters<typeof report.reportCsv>[0];
  if (target === '-') env.ctx.io.stdout.write(await report.reportCsv(asImport));
  else await report.writeReport(env.ctx.processes, resolve(env.ctx.cwd, target), asImport);
}

function driftRows(drift: readonly DeviceDrift[]): Record<string, string>[] {
  const rows: Record<string, string>[] = [];
  for (const d of drift) {
    if (!d.reachable) {
      rows.push({ serialNo: d.serialNo, list: 'unreachable', personCode: '', note: d.error ?? '' });
      continue;
    }
    for (const code of d.onlyOnDevice)
      rows.push({ serialNo: d.serialNo, list: 'onlyOnDevice', personCode: code, note: '' });
    for (const code of d.onlyInCloud)
      rows.push({ serialNo: d.serialNo, list: 'onlyInCloud', personCode: code, note: '' });
    for (const code of d.both) rows.push({ serialNo: d.serialNo, list: 'both', personCode: code, note: '' });
  }
  return rows;
}

async function runReconcile(env: CommandEnv, flags: ReconcileFlags): Promise<void> {
  const ctx = env.ctx;
  const err = (line: string) => ctx.io.stderr.write(`${line}\n`);
  const serials = [...new Set(flags.serial ?? [])];
  if (serials.length === 0 && !flags.allDevices)
    throw new UsageError('person reconcile: give --serial S (repeatable) or --all-devices');
  if (serials.length > 0 && flags.allDevices)
    throw new UsageError('person reconcile: --serial and --all-devices exclude each other');
  const yes = env.flags().yes === true;
  const dir = flags.repair as RepairDirection | undefined;
  if (dir && !yes && !ctx.io.stdinIsTTY) {
    throw new UsageError(
      '--repair changes devices or the cloud: pass --yes to confirm without a terminal (nothing was sent)',
    );
  }
  const [{ findDrift, hasDrift, repairDrift }, { listDeviceSerials }, { openJournal }] = await Promise.all([
    import('../workflows/sync/reconcile.js'),
    import('../workflows/sync/read-state.js'),
    import('../workflows/import/journal.js'),
  ]);
  const client = await env.client();
  const targets = flags.allDevices ? await listDeviceSerials(client, ctx.signal) : serials;
  const drift = await findDrift(client, targets, ctx.signal);
  const out = env.output();
  if (out === 'json') env.render(drift);
  else env.render(driftRows(drift), { columns: ['serialNo', 'list', 'personCode', 'note'] });
  for (const d of drift) {
    if (!d.reachable) err(`person reconcile: device ${d.serialNo} could not be read: ${d.error}`);
    else
      err(
        `device ${d.serialNo}: ${d.onlyOnDevice.length} only on the device, ${d.onlyInCloud.length} only in the cloud, ${d.both.length} on both`,
      );
  }
  if (!hasDrift(drift)) return;
  if (!dir) throw new ExitWith(ExitCode.partial);
  const steps = drift.reduce((n, d) => n + d.onlyInCloud.length + d.onlyOnDevice.length, 0);
  if (steps > 0) {
    await env.confirm(`Repair ${steps} difference(s) ${dir === 'to-device' ? 'on the devices' : 'in the cloud'}?`, yes);
  }
  const journal = flags.journal ? await openJournal(resolve(ctx.cwd, flags.journal)) : undefined;
  let lines: Awaited<ReturnType<typeof repairDrift>>;
  try {
    lines = await repairDrift({ client, drift, direction: dir, journal, signal: ctx.signal, now: () => ctx.now() });
  } finally {
    await journal?.close();
  }
  const failed = lines.filter((l) => l.status === 'failed');
  for (const l of failed) err(`failed: device ${l.serialNo}, ${l.personCode}, ${l.action}: ${l.message}`);
  err(`Repair (${dir}): ${lines.length - failed.length} done, ${failed.length} failed`);
  if (ctx.signal.aborted) throw new CancelledError('the repair was interrupted; run the same command again to finish');
  if (failed.length > 0 || drift.some((d) => !d.reachable)) throw new ExitWith(ExitCode.partial);
}
