/**
 * Applying a plan. Creations, updates, access windows, cards and toDevice go through the import's
 * scheduler (runImport: one queue per device, cloud steps pipelined, retries, the journal), told by
 * a plan-aware journal view which steps each person needs. Removals follow: deletePersonFromDevice
 * in each device's queue (exclusive), then deletePersonFromCloud. A device that no longer holds a
 * person it should lose (cleared behind the cloud's back) has the cloud's association removed
 * instead, so the next plan does not ask again.
 */
import { CancelledError, type FacetError } from '../../core/errors.js';
import type { WireParams } from '../../core/params/index.js';
import { mapLimited } from '../../core/pool.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, realSleep, withRetry } from '../../core/retry.js';
import type { EndpointDef } from '../../registry/index.js';
import type { Journal, JournalStep } from '../import/journal.js';
import { DeviceQueues } from '../import/limit.js';
import { messageOf, type RunImportOptions, runImport } from '../import/run-import.js';
import type { PersonRow, ReportLine } from '../import/types.js';
import { syncEndpoints } from './endpoints.js';
import type { PersonPlan, SyncPlan } from './plan.js';
import type { SyncClient } from './types.js';

/** A report line of a sync: the import's steps plus the removals. */
export interface SyncLine extends Omit<ReportLine, 'step'> {
  step: ReportLine['step'] | 'deletePersonFromDevice' | 'deletePersonAssociation' | 'deletePersonFromCloud';
}

export interface ApplyOptions {
  client: SyncClient;
  plan: SyncPlan;
  /** The valid rows, hashes already bound to the target (as import binds them). */
  rows: readonly PersonRow[];
  journal: Journal;
  concurrency: number;
  remoteCheck: boolean;
  noImage: boolean;
  signal: AbortSignal;
  now: () => Date;
  loadPicture: RunImportOptions['loadPicture'];
  retry?: Partial<RetryPolicy>;
  onProgress?: RunImportOptions['onProgress'];
  onRetry?: RunImportOptions['onRetry'];
}

export interface ApplyResult {
  lines: SyncLine[];
  cancelled: boolean;
  sent: number;
}

/**
 * The rowHash of a journal line saying "this device still owes the person a toDevice". Written for
 * every planned toDevice before anything is sent, and superseded by the step's own line once it is
 * done; a run killed in between (even after the cloud took the change but before the journal heard
 * of it) leaves the line, and the next plan sends the person to that device again.
 */
export const OWED = 'owed';

/** The rowHash of a journal line saying an owed step (a cloud deletion) was done. */
export const DONE = 'done';

/** The journal as runImport sees it: a step is "done" when the plan does not need it. */
export function planJournal(journal: Journal, plan: SyncPlan): Journal {
  const byCode = new Map<string, PersonPlan>(plan.persons.map((p) => [p.personCode, p]));
  const needed = (key: string, step: JournalStep, serial?: string): boolean => {
    const p = byCode.get(key);
    if (!p) return false;
    switch (step) {
      case 'checkPersonPicture':
      case 'registPersonForCloud':
        return p.regist;
      case 'registPersonAcessTimeForCloud':
        return serial !== undefined && p.access.includes(serial);
      case 'registPersonCardInfoForCloud':
        return p.cards;
      case 'toDevice':
        return serial !== undefined && p.toDevice.includes(serial);
      case 'deletePersonFromCloud':
        // Sent after runImport, by applyPlan itself.
        return false;
    }
  };
  return {
    get loaded() {
      return journal.loaded;
    },
    isDone: (key, step, _rowHash, serial) => !needed(key, step, serial),
    record: (entry) => journal.record(entry),
    close: () => journal.close(),
  };
}

/**
 * The answer of deletePersonFromDevice for a person the device does not hold (emulator; the document is
 * silent). A RegExp from a string, not a literal: the build escapes strings to ASCII, not regex
 * literals, and an all-ASCII bundle is read faster at every start (bin/load-cli.cjs).
 */
// biome-ignore lint/complexity/useRegexLiterals: a string, so that the bundle stays ASCII (see above)
const NOT_ON_DEVICE = new RegExp('存在しません|登録されていません');

/** Sends the plan. Never throws for one person's failure: each becomes a failed line. */
export async function applyPlan(opts: ApplyOptions): Promise<ApplyResult> {
  const eps = syncEndpoints();
  const byCode = new Map(opts.plan.persons.map((p) => [p.personCode, p]));
  const rows = opts.rows
    .filter((r) => {
      const p = byCode.get(r.personCode);
      return p && (p.regist || p.cards || p.access.length > 0 || p.toDevice.length > 0);
    })
    .map((r) => {
      const p = byCode.get(r.personCode)!;
      return { ...r, serials: [...new Set([...p.toDevice, ...p.access])] };
    });
  const at = opts.now().toISOString();
  await Promise.all([
    ...opts.plan.persons.flatMap((p) =>
      p.toDevice.map((serial) =>
        opts.journal.record({ key: p.personCode, rowHash: OWED, step: 'toDevice', serial, at }),
      ),
    ),
    // A cloud deletion is owed from before the person's device removals: once those are done the
    // person holds no scope device, so a --scope-serial scope no longer lists them, and only this
    // line makes the next run (or diff) finish a deletion that failed or was cut short.
    ...opts.plan.persons
      .filter((p) => p.deleteFromCloud)
      .map((p) => opts.journal.record({ key: p.personCode, rowHash: OWED, step: 'deletePersonFromCloud', at })),
  ]);
  const run = await runImport({
    client: opts.client,
    rows,
    journal: planJournal(opts.journal, opts.plan),
    concurrency: opts.concurrency,
    remoteCheck: opts.remoteCheck,
    override: true,
    noImage: opts.noImage,
    dryRun: false,
    signal: opts.signal,
    now: opts.now,
    loadPicture: opts.loadPicture,
    retry: opts.retry,
    onProgress: opts.onProgress,
    onRetry: opts.onRetry,
  });
  const lines: SyncLine[] = [...run.lines];
  let sent = run.progress.sent;
  if (run.cancelled || opts.signal.aborted) return { lines, cancelled: true, sent };

  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, retries: 5, ...opts.retry };
  const send = (ep: EndpointDef, wire: WireParams) =>
    withRetry(
      async () => {
        sent++;
        const answer = await opts.client.call(ep, wire, { retries: 0 });
        return (answer.kind === 'json' ? answer.body : {}) as { result?: unknown; message?: unknown };
      },
      policy,
      { sleep: realSleep, random: Math.random, clock: () => Date.now(), signal: opts.signal },
    );
  const queues = new DeviceQueues(opts.signal);
  const removals = opts.plan.persons.filter((p) => p.removeFrom.length > 0 || p.deleteFromCloud);
  const deviceFailed = new Set<string>();
  await Promise.all(
    removals.flatMap((p) =>
      p.removeFrom.map(async (serialNo) => {
        const base = { row: p.row ?? 0, personCode: p.personCode, serialNo };
        try {
          const body = await queues.run(serialNo, () => send(eps.deviceDelete, { serialNo, personCode: p.personCode }));
          if (body.result === false) {
            const message = typeof body.message === 'string' ? body.message : 'result: false';
            if (!NOT_ON_DEVICE.test(message)) throw new Error(message);
            // Gone already (cleared on the device itself): forget the cloud's belief.
            await send(eps.unlink, { personCode: p.personCode, serialNo });
            lines.push({
              ...base,
              status: 'ok',
              step: 'deletePersonAssociation',
              message: 'not on the device; association removed',
            });
            return;
          }
          lines.push({ ...base, status: 'ok', step: 'deletePersonFromDevice', message: '' });
        } catch (err) {
          deviceFailed.add(p.personCode);
          const message = err instanceof CancelledError ? 'not sent: cancelled' : messageOf(err as FacetError);
          lines.push({ ...base, status: 'failed', step: 'deletePersonFromDevice', message });
        }
      }),
    ),
  );
  await mapLimited(
    removals.filter((p) => p.deleteFromCloud && !deviceFailed.has(p.personCode)),
    Math.max(1, opts.concurrency),
    async (p) => {
      const base = { row: p.row ?? 0, personCode: p.personCode, serialNo: '' };
      try {
        await send(eps.cloudDelete, { personCode: p.personCode });
        await opts.journal.record({
          key: p.personCode,
          rowHash: DONE,
          step: 'deletePersonFromCloud',
          at: opts.now().toISOString(),
        });
        lines.push({ ...base, status: 'ok', step: 'deletePersonFromCloud', message: '' });
      } catch (err) {
        lines.push({ ...base, status: 'failed', step: 'deletePersonFromCloud', message: messageOf(err) });
      }
    },
    opts.signal,
  ).catch((err) => {
    if (!(err instanceof CancelledError)) throw err;
  });
  return { lines, cancelled: opts.signal.aborted, sent };
}
