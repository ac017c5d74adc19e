/**
 * What a generated endpoint command does: flags → coerced wire params (every issue at once, exit 2,
 * nothing sent) → confirmation for destructive calls → one call per device → rendered answer and
 * an exit code that tells ok / partial / failed apart.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CallAnswer, FacetClient } from '../core/client.js';
import { parseUserDateTime } from '../core/dates.js';
import { UsageError, ValidationError } from '../core/errors.js';
import { judge } from '../core/outcome.js';
import { coerceParams, fallbackNotices, type ParamIssue, type WireParams } from '../core/params.js';
import type { EndpointDef } from '../registry/index.js';
import { type FlagSpec, flagMapper, inputFromFlags } from './endpoint-flags.js';
import type { CommandEnv } from './env.js';
import { type ReportScope, reportError } from './errors-report.js';
import { combinedExitCode, ExitWith } from './exit.js';
import { runPool } from './pool.js';

export interface EndpointOpts extends Record<string, unknown> {
  all?: boolean;
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
  if (opts.all && ep.paging && opts.page !== undefined) throw new UsageError('give either --page or --all');
  const binary = ep.answer === 'binary';
  if (binary && !opts.out && env.ctx.io.stdoutIsTTY) {
    throw new UsageError(`${commandLabel(ep)} answers binary data: give --out FILE (or redirect stdout)`);
  }
  if (binary && plans.length > 1)
    throw new UsageError(`${commandLabel(ep)} answers bytes for one device: give one --serial`);
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
    if (err instanceof ExitWith || env.ctx.signal.aborted) throw err;
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
  const input = await inputFromFlags(env.ctx, specs, opts);
  addSetPairs(input, opts.set);
  const now = env.ctx.now();
  unixTimestamp(ep, input, now);
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
    const { wire, issues: found } = coerceParams(ep, one, { now });
    for (const i of found) issues.set(`${i.name}\0${i.message}`, i);
    for (const w of fallbackNotices(ep, wire))
      warnings.add(`warning: ${flagOf(w.name)}: ${stripName(w.message, w.name)}`);
    plans.push({ serial: serial ?? (device ? wire[device] : undefined), wire });
  }
  if (issues.size) {
    throw new ValidationError(
      [...issues.values()].map((i) => ({ name: flagOf(i.name), message: stripName(i.message, i.name) })),
    );
  }
  for (const w of warnings) env.ctx.io.stderr.write(`${w}\n`);
  return plans;
}

function stripName(message: string, name: string): string {
  return message.startsWith(`${name}: `) ? message.slice(name.length + 2) : message;
}

/** `config set --set key=value`: for scripts that hold settings as data. */
function addSetPairs(input: Record<string, unknown>, pairs: string[] | undefined): void {
  for (const pair of pairs ?? []) {
    const i = pair.indexOf('=');
    if (i <= 0) throw new UsageError(`--set: expected key=value (got '${pair}')`);
    input[pair.slice(0, i).trim()] = pair.slice(i + 1);
  }
}

/** SenseLink wants Unix seconds; people have dates. Digits pass through untouched. */
function unixTimestamp(ep: EndpointDef, input: Record<string, unknown>, now: Date): void {
  const value = input.timestamp;
  if (ep.api !== 'senselink' || ep.params.timestamp?.type !== 'int' || typeof value !== 'string') return;
  if (/^\d+$/.test(value.trim())) return;
  const d = parseUserDateTime(value, now);
  if (d) input.timestamp = String(Math.floor(d.getTime() / 1000));
}

async function runOne(env: CommandEnv, client: FacetClient, ep: EndpointDef, plan: Plan, opts: EndpointOpts) {
  if (opts.all && ep.paging) return streamAllPages(env, client, ep, plan);
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
    if (outcome.message && env.ctx.io.stderrIsTTY) env.ctx.io.stderr.write(`${outcome.message}\n`);
    return;
  }
  const head = outcome.status === 'partial' ? 'partly failed' : 'failed';
  env.ctx.io.stderr.write(`error: ${commandLabel(ep)} ${head}${who}${outcome.message ? `: ${outcome.message}` : ''}\n`);
  throw new ExitWith(outcome.status === 'partial' ? 3 : 1);
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
  const target = resolve(env.ctx.cwd, out);
  const part = `${target}.part`;
  const file = createWriteStream(part);
  try {
    const answer = await client.call(ep, plan.wire, { signal: env.ctx.signal, out: file });
    // Small answers (the picture-cookie script) come back buffered rather than streamed.
    if (answer.kind === 'binary' && answer.data) file.write(answer.data);
    await new Promise<void>((res, rej) => file.end((err?: Error | null) => (err ? rej(err) : res())));
    if (answer.kind === 'binary') {
      await rename(part, target);
      if (env.ctx.io.stderrIsTTY) env.ctx.io.stderr.write(`wrote ${answer.bytes} bytes to ${out}\n`);
    } else await rm(part, { force: true });
    return answer;
  } catch (err) {
    file.destroy();
    await rm(part, { force: true });
    throw err;
  }
}

/** `--all`: every page, rows written as each page arrives (JSON as one array, built incrementally). */
async function streamAllPages(env: CommandEnv, client: FacetClient, ep: EndpointDef, plan: Plan) {
  const paging = ep.paging!;
  const writer = env.rows();
  try {
    for await (const page of client.pages(ep, plan.wire, { signal: env.ctx.signal })) {
      const rows = valueAt(page, paging.listPath);
      if (Array.isArray(rows)) for (const row of rows) writer.write(row);
    }
  } finally {
    writer.end();
  }
}

export function valueAt(body: unknown, path: string): unknown {
  let v: unknown = body;
  for (const key of path.split('.'))
    v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
  return v;
}

/** One call per device: errors named by device on stderr, successes rendered together, exit 3 when mixed. */
async function runMany(env: CommandEnv, client: FacetClient, ep: EndpointDef, plans: Plan[]) {
  // One spinner for the whole command: several on one stream would draw over each other.
  const label = `${commandLabel(ep)} on ${plans.length} devices`;
  const spinner = ep.contactsDevice && env.ctx.io.stderrIsTTY ? env.progress(label) : undefined;
  let finished = 0;
  const results = await runPool(plans, DEVICE_CONCURRENCY, async (plan) => {
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
      codes.push(err instanceof ExitWith ? err.code : 1);
    }
  }
  if (rows.length) env.render(rows);
  const code = combinedExitCode(codes);
  if (code !== 0) throw new ExitWith(code);
}

function withSerial(serial: string | undefined, body: unknown): unknown {
  if (body && typeof body === 'object' && !Array.isArray(body)) return { serialNo: serial, ...body };
  return { serialNo: serial, answer: body };
}
