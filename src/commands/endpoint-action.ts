/**
 * What a generated endpoint command does: flags → coerced wire params (every issue at once, exit 2,
 * nothing sent) → confirmation for destructive calls → one call per device → rendered answer and
 * an exit code that tells ok / partial / failed apart.
 */
import { resolve } from 'node:path';
import type { CallAnswer, FacetClient } from '../core/client.js';
import { note } from '../core/context.js';
import { ExitCode, exitCodeOf, PartialError, UsageError, ValidationError } from '../core/errors.js';
import { judge } from '../core/outcome.js';
import { coerceParams, fallbackNotices, type ParamIssue, type WireParams } from '../core/params/index.js';
import { mapLimited } from '../core/pool.js';
import type { EndpointDef } from '../registry/index.js';
import { valueAt, walkListOnce } from '../workflows/export/list-walk.js';
import { type FlagSpec, flagMapper, inputFromFlags } from './endpoint-flags.js';
import type { CommandEnv } from './env.js';
import { type ReportScope, reportError } from './errors-report.js';
import { combinedExitCode, ExitWith } from './exit.js';

/**
 * core/safe-file.ts on first use: only `--out FILE` writes a file, and its static imports (node:fs/promises)
 * cost every other API call ~5 ms of start-up (BENCHMARKS.md, "Stop 20").
 */
const safeFile = () => import('../core/safe-file.js');

export interface EndpointOpts extends Record<string, unknown> {
  all?: boolean;
  /** Paged lists: stop after this many rows, across pages. */
  limit?: number;
  /** State-changing endpoints (`changesState`): print the request, send nothing. */
  dryRun?: boolean;
  out?: string;
  set?: string[];
}

/** Devices called at once by a multi-device command: enough to overlap latency, few enough to be polite. */
const DEVICE_CONCURRENCY = 4;

interface Plan {
  serial?: string;
  wire: WireParams;
}

export function commandLabel(ep: EndpointDef): string {
  return `${ep.group} ${ep.command.join(' ')}`;
}

export async function runEndpoint(env: CommandEnv, ep: EndpointDef, specs: FlagSpec[], opts: EndpointOpts) {
  const plans = await planCalls(env, ep, specs, opts);
  if ((opts.all || opts.limit !== undefined) && ep.paging && opts.page !== undefined)
    throw new UsageError(`give either --page or ${opts.all ? '--all' : '--limit'}`);
  const binary = ep.answer === 'binary';
  if (binary && !opts.out && env.ctx.io.stdoutIsTTY) {
    throw new UsageError(`${commandLabel(ep)} answers binary data: give --out FILE (or redirect stdout)`);
  }
  if (binary && plans.length > 1)
    throw new UsageError(`${commandLabel(ep)} answers bytes for one device: give one --serial`);
  if (binary && opts.out)
    await (await safeFile()).checkOutputFile(resolve(env.ctx.cwd, opts.out), '--out', { dashIsStdout: true });
  if (opts.dryRun) return dryRun(env, ep, plans);
  if (ep.destructive) await env.confirm(confirmQuestion(ep, plans), false);
  const client = await env.client({ senselink: ep.api === 'senselink' });
  if (plans.length === 1) return runOneNamed(env, client, ep, plans[0], opts);
  return runMany(env, client, ep, plans);
}

/** The error names the command and device, as runMany's do: a cron mail must say which device failed. */
async function runOneNamed(env: CommandEnv, client: FacetClient, ep: EndpointDef, plan: Plan, opts: EndpointOpts) {
  try {
    await runOne(env, client, ep, plan, opts);
  } catch (err) {
    // An interrupt is reported once, as 'cancelled', by the top level.
    if (err instanceof ExitWith || err instanceof PartialError || env.ctx.signal.aborted) throw err;
    throw new ExitWith(reportError(env.ctx, err, scopeOf(env, ep, plan)));
  }
}

function scopeOf(env: CommandEnv, ep: EndpointDef, plan: Plan): ReportScope {
  return { command: commandLabel(ep), device: plan.serial, api: ep.api, verbose: env.verbose };
}

function confirmQuestion(ep: EndpointDef, plans: Plan[]): string {
  const serials = plans.map((p) => p.serial).filter(Boolean);
  const target = serials.length ? ` on ${serials.join(', ')}` : '';
  const wire = plans[0]?.wire ?? {};
  const what = Object.entries(wire)
    .filter(([k]) => k !== ep.deviceParam)
    .map(([k, v]) => `${k}=${v.length > 40 ? `${v.slice(0, 40)}…` : v}`)
    .join(' ');
  return `${ep.summary}${target}${what ? ` (${what})` : ''}. Continue?`;
}

/** Flags → one wire param set per device; all issues of all devices reported together. */
async function planCalls(env: CommandEnv, ep: EndpointDef, specs: FlagSpec[], opts: EndpointOpts): Promise<Plan[]> {
  const input = await inputFromFlags(
    env.ctx,
    specs,
    opts,
    env.flags().tokenStdin ? 'the token (--token-stdin)' : undefined,
  );
  if (ep.keyValueFlag) addKeyValuePairs(input, ep.keyValueFlag, opts[ep.keyValueFlag] as string[] | undefined);
  const now = env.ctx.now();
  const zone = await env.timeZone();
  const flagOf = flagMapper(ep, specs);
  const device = ep.deviceParam;
  const raw = device ? input[device] : undefined;
  const serials = Array.isArray(raw) ? [...new Set(raw.map(String))] : undefined;
  const plans: Plan[] = [];
  const issues = new Map<string, ParamIssue>();
  const warnings = new Set<string>();
  for (const serial of serials?.length ? serials : [undefined]) {
    const one =
      serial === undefined
        ? { ...input, ...(serials ? { [device!]: undefined } : {}) }
        : { ...input, [device!]: serial };
    const { wire, issues: found } = coerceParams(ep, one, { now, zone });
    for (const i of found) issues.set(`${i.name}\0${i.message}`, i);
    for (const w of fallbackNotices(ep, wire)) warnings.add(`warning: ${flagOf(w.name)}: ${w.message}`);
    plans.push({ serial: serial ?? (device ? wire[device] : undefined), wire });
  }
  if (issues.size) {
    throw new ValidationError([...issues.values()].map((i) => ({ name: flagOf(i.name), message: i.message })));
  }
  for (const w of warnings) env.ctx.io.stderr.write(`${w}\n`);
  return plans;
}

/** The endpoint's `keyValueFlag` (`config set --set key=value`): for scripts that hold settings as data. */
function addKeyValuePairs(input: Record<string, unknown>, flag: string, pairs: string[] | undefined): void {
  for (const pair of pairs ?? []) {
    const i = pair.indexOf('=');
    if (i <= 0) throw new UsageError(`--${flag}: expected key=value (got '${pair}')`);
    input[pair.slice(0, i).trim()] = pair.slice(i + 1);
  }
}

/**
 * `--dry-run`: every request the command would send (one per device), as the client would build it
 * (`FacetClient.plan`: method, URL, query, form/JSON body, headers; token redacted, pictures as size
 * and sha256), rendered in the chosen output format. Nothing is sent and nothing is confirmed; exit 0.
 */
async function dryRun(env: CommandEnv, ep: EndpointDef, plans: Plan[]): Promise<void> {
  const client = await env.client({ senselink: ep.api === 'senselink' });
  const requests = plans.map((plan) => ({
    command: commandLabel(ep),
    ...(plan.serial ? { device: plan.serial } : {}),
    ...client.plan(ep, plan.wire),
  }));
  env.render(requests.length === 1 ? requests[0] : requests);
  env.ctx.io.stderr.write(`dry run: ${requests.length} request(s) not sent\n`);
}

async function runOne(env: CommandEnv, client: FacetClient, ep: EndpointDef, plan: Plan, opts: EndpointOpts) {
  if ((opts.all || opts.limit !== undefined) && ep.paging) return streamAllPages(env, client, ep, plan, opts.limit);
  const spinner = ep.contactsDevice && env.ctx.io.stderrIsTTY ? env.progress(spinnerLabel(ep, plan)) : undefined;
  let answer: CallAnswer;
  try {
    answer =
      ep.answer === 'json'
        ? await client.call(ep, plan.wire, { signal: env.ctx.signal })
        : await callToOutput(env, client, ep, plan, opts.out);
  } finally {
    spinner?.stop();
  }
  if (answer.kind === 'binary') return;
  env.render(answer.body);
  tellMorePages(env, ep, plan, answer.body);
  settle(env, ep, answer.body, plan.serial);
}

function spinnerLabel(ep: EndpointDef, plan: Plan): string {
  return `${commandLabel(ep)}${plan.serial ? ` on ${plan.serial}` : ''}`;
}

/** Exit 3 on a partial success, 1 on a documented failure inside a 200; the API's message verbatim. */
function settle(env: CommandEnv, ep: EndpointDef, body: unknown, serial?: string): void {
  const outcome = judge(ep, body);
  const who = serial ? ` (device ${serial})` : '';
  if (outcome.status === 'ok') {
    // Items left by a batch endpoint are news for scripts too; other messages are for people.
    if (outcome.message && (env.ctx.io.stderrIsTTY || outcome.remaining !== undefined)) note(env.ctx, outcome.message);
    return;
  }
  const head = outcome.status === 'partial' ? 'partly failed' : 'failed';
  note(env.ctx, `error: ${commandLabel(ep)} ${head}${who}${outcome.message ? `: ${outcome.message}` : ''}`);
  throw outcome.status === 'partial' ? new PartialError() : new ExitWith(ExitCode.error);
}

/** Bytes go to --out (written beside it, renamed when complete) or to stdout; streamed when the client streams. */
async function callToOutput(
  env: CommandEnv,
  client: FacetClient,
  ep: EndpointDef,
  plan: Plan,
  out: string | undefined,
): Promise<CallAnswer> {
  if (!out) {
    const answer = await client.call(ep, plan.wire, { signal: env.ctx.signal, out: env.ctx.io.stdout });
    if (answer.kind === 'binary' && answer.data) env.ctx.io.stdout.write(answer.data);
    return answer;
  }
  const { atomicWritable, endWritable, openAtomicFile } = await safeFile();
  const target = resolve(env.ctx.cwd, out);
  const file = await openAtomicFile(env.ctx.processes, target);
  const stream = atomicWritable(file);
  try {
    const answer = await client.call(ep, plan.wire, { signal: env.ctx.signal, out: stream });
    // Small answers (the picture-cookie script) come back buffered rather than streamed.
    await endWritable(stream, answer.kind === 'binary' ? answer.data : undefined);
    if (answer.kind === 'binary') {
      await file.commit();
      if (env.ctx.io.stderrIsTTY) env.ctx.io.stderr.write(`wrote ${answer.bytes} bytes to ${out}\n`);
    } else await file.abort();
    return answer;
  } catch (err) {
    stream.destroy();
    await file.abort();
    throw err;
  }
}

/**
 * `--all` / `--limit N`: rows written as each page arrives (JSON as one array, built incrementally),
 * each row once even while rows arrive or leave (workflows/export/list-walk.ts), every page or until
 * `limit` rows were written (no further page is fetched).
 */
async function streamAllPages(env: CommandEnv, client: FacetClient, ep: EndpointDef, plan: Plan, limit?: number) {
  const paging = ep.paging!;
  const size = Number((paging.sizeParam && plan.wire[paging.sizeParam]) || paging.pageSize);
  const fetchPage = (pageNo: number) => {
    const wire: WireParams = { ...plan.wire, [paging.pageParam]: String(pageNo) };
    if (paging.sizeParam) wire[paging.sizeParam] = String(size);
    return client.json(ep, wire, { signal: env.ctx.signal });
  };
  const writer = env.rows();
  let written = 0;
  try {
    pages: for await (const rows of walkListOnce(fetchPage, paging, size)) {
      for (const row of rows) {
        if (limit !== undefined && written >= limit) break pages;
        writer.write(row);
        written++;
      }
      if (limit !== undefined && written >= limit) break;
    }
  } finally {
    writer.end();
  }
}

/**
 * A single page of a paged list: when more pages exist, say so on stderr in every format, with the
 * flags that get them (stdout stays the data).
 */
function tellMorePages(env: CommandEnv, ep: EndpointDef, plan: Plan, body: unknown): void {
  const paging = ep.paging;
  if (!paging) return;
  const page = Number(plan.wire[paging.pageParam] ?? 1) || 1;
  const size = Number((paging.sizeParam && plan.wire[paging.sizeParam]) || paging.pageSize);
  const list = valueAt(body, paging.listPath);
  const shown = Array.isArray(list) ? list.length : 0;
  const rawTotal = paging.totalPath ? Number(valueAt(body, paging.totalPath)) : Number.NaN;
  const rawPages = paging.pagesPath ? Number(valueAt(body, paging.pagesPath)) : Number.NaN;
  const pages = Number.isFinite(rawPages)
    ? rawPages
    : Number.isFinite(rawTotal)
      ? Math.ceil(rawTotal / size)
      : undefined;
  if (pages === undefined || page >= pages) return;
  const of = Number.isFinite(rawTotal) ? ` (${shown} of ${rawTotal} rows)` : '';
  env.ctx.io.stderr.write(
    `page ${page} of ${pages}${of}; more pages: --page ${page + 1} for the next, --all for every row\n`,
  );
}

/** One call per device: errors named by device on stderr, successes rendered together, exit 3 when mixed. */
async function runMany(env: CommandEnv, client: FacetClient, ep: EndpointDef, plans: Plan[]) {
  // One spinner for the whole command: several on one stream would draw over each other.
  const label = `${commandLabel(ep)} on ${plans.length} devices`;
  const spinner = ep.contactsDevice && env.ctx.io.stderrIsTTY ? env.progress(label) : undefined;
  let finished = 0;
  const results = await mapLimited(plans, DEVICE_CONCURRENCY, async (plan) => {
    try {
      const answer = await client.call(ep, plan.wire, { signal: env.ctx.signal });
      return { plan, body: answer.kind === 'json' ? answer.body : undefined, error: undefined as unknown };
    } catch (error) {
      return { plan, body: undefined, error };
    } finally {
      spinner?.update(`${++finished}/${plans.length} answered`);
    }
  });
  spinner?.stop();
  const rows: unknown[] = [];
  const codes: number[] = [];
  for (const r of results) {
    if (r.error !== undefined) {
      codes.push(reportError(env.ctx, r.error, scopeOf(env, ep, r.plan)));
      continue;
    }
    rows.push(withSerial(r.plan.serial, r.body));
    try {
      settle(env, ep, r.body, r.plan.serial);
      codes.push(0);
    } catch (err) {
      codes.push(exitCodeOf(err));
    }
  }
  if (rows.length) env.render(rows);
  const code = combinedExitCode(codes);
  if (code === ExitCode.partial) throw new PartialError();
  if (code !== 0) throw new ExitWith(code);
}

function withSerial(serial: string | undefined, body: unknown): unknown {
  if (body && typeof body === 'object' && !Array.isArray(body)) return { serialNo: serial, ...body };
  return { serialNo: serial, answer: body };
}
