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
import {
  ApiError,
  AuthError,
  CancelledError,
  type FacetError,
  RuntimeError,
  ValidationError,
} from '../../core/errors.js';
import type { WireParams } from '../../core/params/index.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, realSleep, type Sleep, withRetry } from '../../core/retry.js';
import type { EndpointDef } from '../../registry/index.js';
import { importEndpoints } from './endpoints.js';
import { type Journal, type JournalView, JournalWriteError } from './journal.js';
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

/** What a row still needs, decided from the journal before anything is sent. */
interface Plan {
  check: boolean;
  regist: boolean;
  access: string[];
  cards: boolean;
  device: string[];
  anyStateChange: boolean;
}

/** What happened to a row so far. */
interface RowState {
  row: PersonRow;
  plan: Plan;
  /** Set when a cloud step failed: every device line of the row carries it. */
  rowOutcome?: Outcome;
  deviceOutcome: Map<string, Outcome>;
  lastStep: StepName;
  anySent: boolean;
  /** The row's picture as base64, encoded once for the check and the registration, dropped after. */
  pictureBase64?: string;
}

/** One run of the scheduler; `runImport` is its entry point. */
class ImportRun {
  private readonly eps = importEndpoints();
  /** Aborted on Ctrl-C and on a fatal error: nothing new starts after it. */
  private readonly stop = new AbortController();
  private readonly cloud: PriorityLimiter;
  private readonly devices: DeviceQueues;
  private readonly policy: RetryPolicy;
  private readonly writable: Journal | undefined;
  private fatal: unknown;
  readonly progress: ImportProgress;

  constructor(private readonly opts: RunImportOptions) {
    this.cloud = new PriorityLimiter(Math.max(1, opts.concurrency), this.stop.signal);
    this.devices = new DeviceQueues(this.stop.signal);
    this.policy = { ...DEFAULT_RETRY_POLICY, retries: 5, ...opts.retry };
    this.writable = !opts.dryRun && isWritable(opts.journal) ? opts.journal : undefined;
    this.progress = { rowsTotal: opts.rows.length, rowsDone: 0, failed: 0, sent: 0, skipped: 0 };
  }

  async run(): Promise<RunImportResult> {
    const { signal } = this.opts;
    const onAbort = () => this.stop.abort();
    if (signal.aborted) this.stop.abort();
    else signal.addEventListener('abort', onAbort, { once: true });
    try {
      const perRow = await Promise.all(this.opts.rows.map((row, i) => this.runRow(row, i)));
      if (this.fatal) throw this.fatal;
      return { lines: perRow.flat(), cancelled: signal.aborted, progress: { ...this.progress } };
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  private failFatal(err: unknown): void {
    this.fatal ??= err;
    this.stop.abort();
  }

  /** One call with retries of transient failures; the client itself is told not to retry. */
  private async send(row: PersonRow, step: StepName, ep: EndpointDef, wire: WireParams): Promise<AnswerBody> {
    const { opts } = this;
    const body = await withRetry(
      async () => {
        const answer = await opts.client.call(ep, wire, { retries: 0 }).catch((err: unknown) => {
          // A refused call (503 device offline, 400, a retried failure) was sent too: the summary's
          // "calls sent" counts requests, not successes. Only a local validation sends nothing.
          if (!(err instanceof ValidationError)) this.progress.sent++;
          throw err;
        });
        this.progress.sent++;
        if (answer.kind !== 'json') throw new RuntimeError(`${ep.action} answered ${answer.contentType}, not JSON`);
        return (answer.body ?? {}) as AnswerBody;
      },
      this.policy,
      {
        sleep: opts.sleep ?? realSleep,
        random: opts.random ?? Math.random,
        clock: () => Date.now(),
        signal: this.stop.signal,
        onRetry: (attempt, err, delay) => opts.onRetry?.(row, step, attempt, err, delay),
      },
    );
    return body;
  }

  /** Sends a cloud step unless cancelled; a documented `result:false` becomes Refused. */
  private async cloudStep(state: RowState, step: StepName, ep: EndpointDef, wire: WireParams, serial?: string) {
    state.lastStep = step;
    if (this.stop.signal.aborted) throw new CancelledError();
    const body = await this.send(state.row, step, ep, wire);
    if (body.result === false) throw new Refused(answerMessage(body) || `${step} answered result: false`);
    await this.journaled(state, step, serial);
  }

  private async journaled(state: RowState, step: StepName, serial?: string): Promise<void> {
    state.anySent = true;
    const { row } = state;
    await this.writable?.record({
      key: row.personCode,
      rowHash: row.rowHash,
      step,
      serial,
      at: this.opts.now().toISOString(),
    });
  }

  private pending(row: PersonRow, step: StepName, serial?: string): boolean {
    const need = !this.opts.journal.isDone(row.personCode, step, row.rowHash, serial);
    if (!need) this.progress.skipped++;
    return need;
  }

  private planFor(row: PersonRow): Plan {
    const check = this.opts.remoteCheck && !!row.picture && this.pending(row, 'checkPersonPicture');
    const regist = this.pending(row, 'registPersonForCloud');
    const access = row.access ? row.serials.filter((s) => this.pending(row, 'registPersonAcessTimeForCloud', s)) : [];
    const cards = !!row.cards && this.pending(row, 'registPersonCardInfoForCloud');
    const device = row.serials.filter((s) => this.pending(row, 'toDevice', s));
    const anyStateChange = regist || access.length > 0 || cards || device.length > 0;
    return { check, regist, access, cards, device, anyStateChange };
  }

  private async picture(state: RowState): Promise<string> {
    state.pictureBase64 ??= (await this.opts.loadPicture(state.row)).toString('base64');
    return state.pictureBase64;
  }

  /** The cloud steps of one row, in one slot of the cloud pool. */
  private async cloudPhase(state: RowState): Promise<void> {
    const { row, plan } = state;
    const eps = this.eps;
    // The check is only worth its upload when something is still to be sent.
    if (plan.check && plan.anyStateChange) {
      await this.cloudStep(state, 'checkPersonPicture', eps.check, { picture: await this.picture(state) });
    }
    if (this.opts.dryRun) return;
    if (plan.regist) {
      const wire = { ...row.person };
      if (row.picture) wire.picture = await this.picture(state);
      state.pictureBase64 = undefined;
      await this.cloudStep(state, 'registPersonForCloud', eps.regist, wire);
    }
    for (const serial of plan.access) {
      const wire = { personCode: row.personCode, serialNo: serial, ...row.access };
      try {
        await this.cloudStep(state, 'registPersonAcessTimeForCloud', eps.access, wire, serial);
      } catch (err) {
        if (err instanceof CancelledError || isFatal(err)) throw err;
        // Without its access times this device must not get the person; the others still can.
        state.deviceOutcome.set(serial, {
          status: 'failed',
          step: 'registPersonAcessTimeForCloud',
          message: messageOf(err),
        });
      }
    }
    if (plan.cards) {
      await this.cloudStep(state, 'registPersonCardInfoForCloud', eps.cards, {
        personCode: row.personCode,
        ...row.cards,
      });
    }
  }

  /** toDevice on one device, in that device's queue; journaling happens after the device is free again. */
  private async toDevice(state: RowState, serial: string): Promise<Outcome> {
    const wire: WireParams = {
      serialNo: serial,
      personCode: state.row.personCode,
      override: this.opts.override ? '1' : '0',
      noImage: this.opts.noImage ? '1' : '0',
    };
    const body = await this.devices.run(serial, () => this.send(state.row, 'toDevice', this.eps.toDevice, wire));
    const message = answerMessage(body);
    if (body.result === false) return { status: 'failed', step: 'toDevice', message: message || 'result: false' };
    await this.journaled(state, 'toDevice', serial);
    if (body.regist === false) return { status: 'skipped', step: 'toDevice', message };
    return { status: 'ok', step: 'toDevice', message };
  }

  private async deviceOutcome(state: RowState, serial: string): Promise<Outcome> {
    if (this.opts.dryRun) return dryRunOutcome(state.plan, serial);
    if (!state.plan.device.includes(serial)) {
      return { status: state.anySent ? 'ok' : 'skipped', step: 'toDevice', message: 'already on the device (journal)' };
    }
    try {
      return await this.toDevice(state, serial);
    } catch (err) {
      if (isFatal(err)) this.failFatal(err);
      return outcomeOfError(err, 'toDevice');
    }
  }

  private async runRow(row: PersonRow, index: number): Promise<ReportLine[]> {
    const state: RowState = {
      row,
      plan: this.planFor(row),
      deviceOutcome: new Map(),
      lastStep: 'registPersonForCloud',
      anySent: false,
    };
    try {
      await this.cloud.run(index, () => this.cloudPhase(state));
    } catch (err) {
      if (isFatal(err)) this.failFatal(err);
      state.rowOutcome = outcomeOfError(err, state.lastStep);
    }
    if (!state.rowOutcome) {
      await Promise.all(
        row.serials
          .filter((serial) => !state.deviceOutcome.has(serial))
          .map(async (serial) => state.deviceOutcome.set(serial, await this.deviceOutcome(state, serial))),
      );
    }
    const lines = this.linesOf(state);
    this.progress.rowsDone++;
    if (lines.some((l) => l.status === 'failed')) this.progress.failed++;
    this.opts.onProgress?.({ ...this.progress });
    return lines;
  }

  private linesOf(state: RowState): ReportLine[] {
    const { row } = state;
    const base = { row: row.row, personCode: row.personCode };
    if (row.serials.length > 0) {
      return row.serials.map((serialNo) => ({
        ...base,
        serialNo,
        ...(state.rowOutcome ?? state.deviceOutcome.get(serialNo)!),
      }));
    }
    let outcome: Outcome;
    if (state.rowOutcome) outcome = state.rowOutcome;
    else if (this.opts.dryRun) outcome = dryRunOutcome(state.plan, undefined);
    else if (state.anySent) outcome = { status: 'ok', step: state.lastStep, message: '' };
    else outcome = { status: 'skipped', step: state.lastStep, message: 'already done (journal)' };
    return [{ ...base, serialNo: '', ...outcome }];
  }
}

export function runImport(opts: RunImportOptions): Promise<RunImportResult> {
  return new ImportRun(opts).run();
}

/** Errors that make every further call pointless: a rejected token, a journal that cannot be written. */
function isFatal(err: unknown): boolean {
  return err instanceof AuthError || err instanceof JournalWriteError;
}

function outcomeOfError(err: unknown, step: StepName): Outcome {
  if (err instanceof CancelledError) {
    return {
      status: 'failed',
      step,
      message: 'not sent: the run was cancelled (run the same command again to finish)',
    };
  }
  return { status: 'failed', step, message: messageOf(err) };
}

function dryRunOutcome(plan: Plan, serial: string | undefined): Outcome {
  const steps: string[] = [];
  if (plan.regist) steps.push('registPersonForCloud');
  if (serial && plan.access.includes(serial)) steps.push('registPersonAcessTimeForCloud');
  if (plan.cards) steps.push('registPersonCardInfoForCloud');
  if (serial && plan.device.includes(serial)) steps.push('toDevice');
  if (steps.length === 0) return { status: 'skipped', step: '', message: 'dry run: already done (journal)' };
  return { status: 'ok', step: '', message: `dry run: would send ${steps.join(', ')}` };
}
