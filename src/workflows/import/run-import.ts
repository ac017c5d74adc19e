/**
 * The scheduler: sends each valid row's steps, skipping those the journal holds under the row's
 * hash. A row's cloud steps (picture check, registration, access times, cards) run in one slot of a
 * pool of `concurrency` slots served lowest row first; its toDevice calls then join one queue per
 * device, so each device takes one exclusive call at a time while different devices work in
 * parallel, and a device starts on row 2 as soon as row 2's cloud steps are done.
 *
 * Transient failures (maintenance 503, exclusion, resets) are retried here with backoff for every
 * step — each step is idempotent — and the client is asked not to retry on its own, so the two
 * never multiply. Documented refusals (`result:false`) are reported per row, not retried.
 *
 * On abort (Ctrl-C) nothing new starts; steps in flight finish and are journaled.
 */
import { ApiError, AuthError, CancelledError, type FacetError, RuntimeError } from '../../core/errors.js';
import type { WireParams } from '../../core/params.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, realSleep, type Sleep, withRetry } from '../../core/retry.js';
import type { EndpointDef } from '../../registry/index.js';
import { importEndpoints } from './endpoints.js';
import type { Journal, JournalView } from './journal.js';
import { DeviceQueues, PriorityLimiter } from './limit.js';
import type { ImportClient, LineStatus, PersonRow, ReportLine, StepName } from './types.js';

export interface ImportProgress {
  rowsTotal: number;
  rowsDone: number;
  failed: number;
  /** Steps sent in this run (not counting retries) and steps skipped thanks to the journal. */
  sent: number;
  skipped: number;
}

export interface RunImportOptions {
  client: ImportClient;
  rows: readonly PersonRow[];
  /** A writable journal, or a read-only view for --dry-run. */
  journal: Journal | JournalView;
  concurrency: number;
  remoteCheck: boolean;
  /** toDevice override: 1 replaces a person already on the device (default), 0 leaves it. */
  override: boolean;
  noImage: boolean;
  dryRun: boolean;
  signal: AbortSignal;
  now: () => Date;
  /** Reads the row's picture again (and fixes it like validation did); throws with a message when it changed. */
  loadPicture: (row: PersonRow) => Promise<Buffer>;
  retry?: Partial<RetryPolicy>;
  sleep?: Sleep;
  random?: () => number;
  onProgress?: (p: ImportProgress) => void;
  /** Told about each retry (for --verbose). */
  onRetry?: (row: PersonRow, step: StepName, attempt: number, err: FacetError, delayMs: number) => void;
}

export interface RunImportResult {
  lines: ReportLine[];
  cancelled: boolean;
  progress: ImportProgress;
}

/** Why a step did not succeed: the API's words when it gave some. */
export function messageOf(err: unknown): string {
  if (err instanceof ApiError && err.errors.length > 0) {
    return err.errors.map((e) => (e.name && e.name !== 'error' ? `${e.name}: ${e.message}` : e.message)).join('; ');
  }
  return err instanceof Error ? err.message : String(err);
}

/** Thrown inside a row when a documented `result:false` answer refuses the step. */
class Refused extends Error {}

interface Outcome {
  status: LineStatus;
  step: ReportLine['step'];
  message: string;
}

function isWritable(j: Journal | JournalView): j is Journal {
  return typeof (j as Journal).record === 'function';
}

/** The documented success shape `{result, regist?, message?}` of the steps an import sends. */
interface AnswerBody {
  result?: unknown;
  regist?: unknown;
  message?: unknown;
}

function answerMessage(body: AnswerBody): string {
  return typeof body.message === 'string' ? body.message : '';
}

export async function runImport(opts: RunImportOptions): Promise<RunImportResult> {
  const eps = importEndpoints();
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  if (opts.signal.aborted) stop.abort();
  else opts.signal.addEventListener('abort', onAbort, { once: true });
  let fatal: unknown;
  const failFatal = (err: unknown) => {
    fatal ??= err;
    stop.abort();
  };

  const cloud = new PriorityLimiter(Math.max(1, opts.concurrency), stop.signal);
  const devices = new DeviceQueues(stop.signal);
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, retries: 5, ...opts.retry };
  const progress: ImportProgress = { rowsTotal: opts.rows.length, rowsDone: 0, failed: 0, sent: 0, skipped: 0 };
  const journal = opts.journal;
  const writable = !opts.dryRun && isWritable(journal) ? journal : undefined;

  const send = async (row: PersonRow, step: StepName, ep: EndpointDef, wire: WireParams): Promise<AnswerBody> => {
    const body = await withRetry(
      async () => {
        const answer = await opts.client.call(ep, wire, { retries: 0 });
        if (answer.kind !== 'json') throw new RuntimeError(`${ep.action} answered ${answer.contentType}, not JSON`);
        return (answer.body ?? {}) as AnswerBody;
      },
      policy,
      {
        sleep: opts.sleep ?? realSleep,
        random: opts.random ?? Math.random,
        clock: () => Date.now(),
        signal: stop.signal,
        onRetry: (attempt, err, delay) => opts.onRetry?.(row, step, attempt, err, delay),
      },
    );
    progress.sent++;
    return body;
  };

  const done = async (row: PersonRow, step: StepName, serial?: string) => {
    if (!writable) return;
    await writable.record({ key: row.personCode, rowHash: row.rowHash, step, serial, at: opts.now().toISOString() });
  };

  const pending = (row: PersonRow, step: StepName, serial?: string): boolean => {
    const need = !journal.isDone(row.personCode, step, row.rowHash, serial);
    if (!need) progress.skipped++;
    return need;
  };

  const runRow = async (row: PersonRow, index: number): Promise<ReportLine[]> => {
    const serials = row.serials;
    const deviceOutcome = new Map<string, Outcome>();
    let rowOutcome: Outcome | undefined;
    let lastStep: StepName = 'registPersonForCloud';
    let anySent = false;

    const needCheck = opts.remoteCheck && !!row.picture && pending(row, 'checkPersonPicture');
    const needRegist = pending(row, 'registPersonForCloud');
    const needAccess = row.access ? serials.filter((s) => pending(row, 'registPersonAcessTimeForCloud', s)) : [];
    const needCards = !!row.cards && pending(row, 'registPersonCardInfoForCloud');
    const needDevice = serials.filter((s) => pending(row, 'toDevice', s));
    const anyStateChange = needRegist || needAccess.length > 0 || needCards || needDevice.length > 0;
    const plan: Plan = { needRegist, needAccess, needCards, needDevice, anyStateChange };

    let pictureBytes: Buffer | undefined;
    const picture = async () => {
      pictureBytes ??= await opts.loadPicture(row);
      return pictureBytes;
    };

    const cloudPhase = async () => {
      // The check is only worth its upload when something is still to be sent.
      if (needCheck && anyStateChange) {
        lastStep = 'checkPersonPicture';
        const body = await send(row, 'checkPersonPicture', eps.check, {
          picture: (await picture()).toString('base64'),
        });
        if (body.result === false) throw new Refused(answerMessage(body) || 'the cloud rejected the picture');
        await done(row, 'checkPersonPicture');
        anySent = true;
      }
      if (opts.dryRun) return;
      if (needRegist) {
        lastStep = 'registPersonForCloud';
        if (stop.signal.aborted) throw new CancelledError();
        const wire = { ...row.person };
        if (row.picture) wire.picture = (await picture()).toString('base64');
        pictureBytes = undefined;
        const body = await send(row, 'registPersonForCloud', eps.regist, wire);
        if (body.result === false)
          throw new Refused(answerMessage(body) || 'registPersonForCloud answered result: false');
        await done(row, 'registPersonForCloud');
        anySent = true;
      }
      for (const serial of needAccess) {
        lastStep = 'registPersonAcessTimeForCloud';
        if (stop.signal.aborted) throw new CancelledError();
        try {
          const body = await send(row, 'registPersonAcessTimeForCloud', eps.access, {
            personCode: row.personCode,
            serialNo: serial,
            ...row.access,
          });
          if (body.result === false) throw new Refused(answerMessage(body) || 'result: false');
          await done(row, 'registPersonAcessTimeForCloud', serial);
          anySent = true;
        } catch (err) {
          if (err instanceof CancelledError || isFatal(err)) throw err;
          // Without its access times this device must not get the person; the others still can.
          deviceOutcome.set(serial, {
            status: 'failed',
            step: 'registPersonAcessTimeForCloud',
            message: messageOf(err),
          });
        }
      }
      if (needCards) {
        lastStep = 'registPersonCardInfoForCloud';
        if (stop.signal.aborted) throw new CancelledError();
        const body = await send(row, 'registPersonCardInfoForCloud', eps.cards, {
          personCode: row.personCode,
          ...row.cards,
        });
        if (body.result === false) throw new Refused(answerMessage(body) || 'result: false');
        await done(row, 'registPersonCardInfoForCloud');
        anySent = true;
      }
    };

    const toDevice = async (serial: string): Promise<Outcome> => {
      const wire: WireParams = {
        serialNo: serial,
        personCode: row.personCode,
        override: opts.override ? '1' : '0',
        noImage: opts.noImage ? '1' : '0',
      };
      const body = await devices.run(serial, () => send(row, 'toDevice', eps.toDevice, wire));
      const message = answerMessage(body);
      if (body.result === false) return { status: 'failed', step: 'toDevice', message: message || 'result: false' };
      await done(row, 'toDevice', serial);
      anySent = true;
      if (body.regist === false) return { status: 'skipped', step: 'toDevice', message };
      return { status: 'ok', step: 'toDevice', message };
    };

    try {
      await cloud.run(index, cloudPhase);
    } catch (err) {
      if (isFatal(err)) failFatal(err);
      rowOutcome = outcomeOfError(err, lastStep);
    }

    if (!rowOutcome) {
      await Promise.all(
        serials.map(async (serial) => {
          if (deviceOutcome.has(serial)) return;
          if (opts.dryRun) {
            deviceOutcome.set(serial, dryRunOutcome(plan, serial));
            return;
          }
          if (!needDevice.includes(serial)) {
            deviceOutcome.set(serial, {
              status: anySent ? 'ok' : 'skipped',
              step: 'toDevice',
              message: 'already on the device (journal)',
            });
            return;
          }
          try {
            deviceOutcome.set(serial, await toDevice(serial));
          } catch (err) {
            if (isFatal(err)) failFatal(err);
            deviceOutcome.set(serial, outcomeOfError(err, 'toDevice'));
          }
        }),
      );
    }

    const lines: ReportLine[] = [];
    const base = { row: row.row, personCode: row.personCode };
    if (serials.length === 0) {
      const o =
        rowOutcome ??
        (opts.dryRun
          ? dryRunOutcome(plan, undefined)
          : anySent
            ? { status: 'ok' as const, step: lastStep, message: '' }
            : { status: 'skipped' as const, step: lastStep, message: 'already done (journal)' });
      lines.push({ ...base, serialNo: '', ...o });
    } else {
      for (const serial of serials)
        lines.push({ ...base, serialNo: serial, ...(rowOutcome ?? deviceOutcome.get(serial)!) });
    }
    progress.rowsDone++;
    if (lines.some((l) => l.status === 'failed')) progress.failed++;
    opts.onProgress?.({ ...progress });
    return lines;
  };

  const perRow = await Promise.all(opts.rows.map((row, i) => runRow(row, i)));
  opts.signal.removeEventListener('abort', onAbort);
  if (fatal) throw fatal;
  return { lines: perRow.flat(), cancelled: opts.signal.aborted, progress: { ...progress } };
}

/** Errors that make every further call pointless: a rejected token, a journal that cannot be written. */
function isFatal(err: unknown): boolean {
  return (
    err instanceof AuthError || (err instanceof RuntimeError && err.message.startsWith('cannot write the journal'))
  );
}

function outcomeOfError(err: unknown, step: StepName): Outcome {
  if (err instanceof CancelledError) {
    return { status: 'failed', step, message: 'not sent: the import was cancelled (run it again to finish)' };
  }
  return { status: 'failed', step, message: messageOf(err) };
}

interface Plan {
  needRegist: boolean;
  needAccess: string[];
  needCards: boolean;
  needDevice: string[];
  anyStateChange: boolean;
}

function dryRunOutcome(plan: Plan, serial: string | undefined): Outcome {
  const steps: string[] = [];
  if (plan.needRegist) steps.push('registPersonForCloud');
  if (serial && plan.needAccess.includes(serial)) steps.push('registPersonAcessTimeForCloud');
  if (plan.needCards) steps.push('registPersonCardInfoForCloud');
  if (serial && plan.needDevice.includes(serial)) steps.push('toDevice');
  if (steps.length === 0) return { status: 'skipped', step: '', message: 'dry run: already done (journal)' };
  return { status: 'ok', step: '', message: `dry run: would send ${steps.join(', ')}` };
}
