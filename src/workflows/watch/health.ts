/**
 * `device health`: one look at every device, with a verdict a monitoring system understands.
 *
 * Inputs, cheapest first: one `getDevice` call gives every device's `lastAccess` (the document:
 * 「最後にこのデバイスと API サーバー間で通信が行われた日時です。顔が認識されていなくても死活監視のために一定時間
 * ごとに通信が行われます。」) and `lastRecog` (the device's own clock). Then, when asked (`probeMode`),
 * one `getCurrentMode` per device that is still in contact: it reaches the device, so it says whether
 * the device answers now (503 「…オフライン…」 = offline) and whether it is operating (state 0) or
 * resting (state 1). Devices already quiet are not asked (the call would only wait for a timeout).
 * It is opt-in because the call is itself contact: it moves the device's lastAccess, so probing on
 * every check would hide a device whose own periodic check-ins stopped.
 *
 * Verdicts (Nagios/Icinga plugin states, exit codes 0–3):
 * - CRITICAL: no `lastAccess`, or older than `staleMs`; or the device answered offline.
 * - WARNING: `lastAccess` older than `warnMs`; resting (state 1); `lastRecog` older than `recogStaleMs`
 *   (only when given: a quiet gate at night is normal).
 * - UNKNOWN: the mode question failed for another reason (network, exclusive control…), or a
 *   `--serial` the cloud does not list.
 * The command's state is the worst one, ordered CRITICAL > WARNING > UNKNOWN > OK (the
 * monitoring-plugins `max_state_alt` order).
 */
import { parseApiDateTime } from '../../core/dates.js';
import { ApiError, DeviceError } from '../../core/errors.js';
import { settleLimited } from '../../core/pool.js';
import { type ExportClient, endpoint } from '../export/export-client.js';

export type HealthState = 'OK' | 'WARNING' | 'CRITICAL' | 'UNKNOWN';

/** The monitoring-plugins exit code of each state. */
export const STATE_CODE: Record<HealthState, number> = { OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3 };
const SEVERITY: Record<HealthState, number> = { OK: 0, UNKNOWN: 1, WARNING: 2, CRITICAL: 3 };

export interface HealthOptions {
  /** Only these serials (all devices when absent). */
  serials?: readonly string[];
  /** lastAccess older than this (ms) is CRITICAL. */
  staleMs: number;
  /** lastAccess older than this (ms) is WARNING; ≤ staleMs. */
  warnMs: number;
  /** lastRecog older than this (ms) is WARNING; not checked when absent. */
  recogStaleMs?: number;
  /** Ask each device in contact for its mode (getCurrentMode), at most `concurrency` at a time. */
  probeMode: boolean;
  concurrency?: number;
  now: Date;
  /** The cloud's IANA zone, in which `lastAccess`/`lastRecog` (wall-clock wire times) are read (default Asia/Tokyo). */
  zone?: string;
  signal?: AbortSignal;
}

export interface DeviceHealth {
  serialNo: string;
  description: string;
  state: HealthState;
  /** In contact within `staleMs` and not answering offline; null when unknown. */
  online: boolean | null;
  lastAccess: string | null;
  /** Seconds since lastAccess (the cloud's wall clock against ours); null when never. */
  lastAccessAge: number | null;
  lastRecog: string | null;
  lastRecogAge: number | null;
  /** 'operating' (state 0), 'resting' (state 1), or null when not asked or not answered. */
  mode: 'operating' | 'resting' | null;
  /** Why the state is not OK (empty when OK). */
  reason: string;
}

export interface HealthReport {
  state: HealthState;
  devices: DeviceHealth[];
  counts: Record<HealthState, number>;
  /** The one-line summary monitoring systems show. */
  summary: string;
}

interface ListedDevice {
  serialNo?: string;
  description?: string;
  lastAccess?: string | null;
  lastRecog?: string | null;
}

function ageSeconds(wire: string | null | undefined, now: Date, zone: string | undefined): number | null {
  if (!wire) return null;
  const d = parseApiDateTime(wire, zone);
  return d ? Math.max(0, Math.round((now.getTime() - d.getTime()) / 1000)) : null;
}

/** `754` → `12m34s`; `90061` → `1d1h`. */
export function formatAge(seconds: number | null): string {
  if (seconds === null) return 'never';
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${pad(seconds % 60)}s`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h${pad(Math.floor((seconds % 3600) / 60))}m`;
  return `${Math.floor(seconds / 86400)}d${Math.floor((seconds % 86400) / 3600)}h`;
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

export function worst(states: readonly HealthState[]): HealthState {
  let w: HealthState = 'OK';
  for (const s of states) if (SEVERITY[s] > SEVERITY[w]) w = s;
  return w;
}

/** Judges one listed device from its times alone. */
function judgeTimes(d: ListedDevice, opts: HealthOptions): DeviceHealth {
  const lastAccess = d.lastAccess ?? null;
  const lastRecog = d.lastRecog ?? null;
  const accessAge = ageSeconds(lastAccess, opts.now, opts.zone);
  const recogAge = ageSeconds(lastRecog, opts.now, opts.zone);
  const h: DeviceHealth = {
    serialNo: String(d.serialNo),
    description: d.description ?? '',
    state: 'OK',
    online: true,
    lastAccess,
    lastAccessAge: accessAge,
    lastRecog,
    lastRecogAge: recogAge,
    mode: null,
    reason: '',
  };
  const reasons: string[] = [];
  const states: HealthState[] = [];
  if (accessAge === null) {
    states.push('CRITICAL');
    h.online = false;
    reasons.push(lastAccess ? `unreadable lastAccess ${lastAccess}` : 'never in contact');
  } else if (accessAge * 1000 > opts.staleMs) {
    states.push('CRITICAL');
    h.online = false;
    reasons.push(`no contact for ${formatAge(accessAge)}`);
  } else if (accessAge * 1000 > opts.warnMs) {
    states.push('WARNING');
    reasons.push(`no contact for ${formatAge(accessAge)}`);
  }
  if (opts.recogStaleMs !== undefined && (recogAge === null || recogAge * 1000 > opts.recogStaleMs)) {
    states.push('WARNING');
    reasons.push(recogAge === null ? 'no recognition yet' : `no recognition for ${formatAge(recogAge)}`);
  }
  h.state = worst(states);
  h.reason = reasons.join('; ');
  return h;
}

/** getCurrentMode on a device still in contact: offline, resting, or a failure to ask. */
async function probe(client: ExportClient, h: DeviceHealth, opts: HealthOptions): Promise<void> {
  const add = (state: HealthState, reason: string) => {
    h.state = worst([h.state, state]);
    h.reason = h.reason ? `${h.reason}; ${reason}` : reason;
  };
  try {
    const answer = await client.json<{ state?: unknown }>(
      endpoint('system.getCurrentMode'),
      { serialNo: h.serialNo },
      { signal: opts.signal },
    );
    const state = Number(answer?.state);
    if (state === 0) h.mode = 'operating';
    else if (state === 1) {
      h.mode = 'resting';
      add('WARNING', 'resting (not recognising)');
    }
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    if (err instanceof DeviceError && err.status === 503) {
      h.online = false;
      add('CRITICAL', 'offline (the cloud cannot reach it)');
    } else if (err instanceof DeviceError) {
      // AI cameras and some models do not answer getCurrentMode: no mode, no verdict.
    } else {
      add(
        'UNKNOWN',
        `mode not known: ${err instanceof ApiError ? err.message.split('\n')[0] : (err as Error).message}`,
      );
    }
  }
}

/**
 * Lists the devices (getDevice), judges each, asks the ones in contact for their mode.
 * Errors of getDevice itself propagate (the caller reports UNKNOWN).
 */
export async function checkHealth(client: ExportClient, opts: HealthOptions): Promise<HealthReport> {
  const listed = await client.json<ListedDevice[]>(endpoint('device.getDevice'), {}, { signal: opts.signal });
  const all = Array.isArray(listed) ? listed.filter((d) => typeof d?.serialNo === 'string') : [];
  let devices: DeviceHealth[];
  if (opts.serials && opts.serials.length > 0) {
    const bySerial = new Map(all.map((d) => [d.serialNo as string, d]));
    devices = [...new Set(opts.serials)].map((s) => {
      const d = bySerial.get(s);
      if (d) return judgeTimes(d, opts);
      return {
        serialNo: s,
        description: '',
        state: 'UNKNOWN',
        online: null,
        lastAccess: null,
        lastAccessAge: null,
        lastRecog: null,
        lastRecogAge: null,
        mode: null,
        reason: 'not in the device list of this contract',
      };
    });
  } else {
    devices = all.map((d) => judgeTimes(d, opts));
  }
  if (opts.probeMode) {
    const asked = devices.filter((d) => d.online === true);
    await settleLimited(asked, opts.concurrency ?? 4, (d) => probe(client, d, opts));
    if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('aborted');
  }
  const counts: Record<HealthState, number> = { OK: 0, WARNING: 0, CRITICAL: 0, UNKNOWN: 0 };
  for (const d of devices) counts[d.state]++;
  const state = devices.length === 0 ? 'UNKNOWN' : worst(devices.map((d) => d.state));
  return { state, devices, counts, summary: summaryLine(state, devices, counts) };
}

/**
 * `FACETCTL HEALTH CRITICAL - 1 critical (GATE2: offline), 1 warning (GATE3: resting), 3 ok of 5 devices | ok=3 warning=1 critical=1 unknown=0`
 * The plugin form: state, text, then performance data after `|`.
 */
export function summaryLine(
  state: HealthState,
  devices: readonly DeviceHealth[],
  counts: Record<HealthState, number>,
): string {
  const parts: string[] = [];
  for (const s of ['CRITICAL', 'WARNING', 'UNKNOWN'] as const) {
    const bad = devices.filter((d) => d.state === s);
    if (bad.length === 0) continue;
    const shown = bad
      .slice(0, 5)
      .map((d) => `${d.serialNo}: ${d.reason}`)
      .join(', ');
    parts.push(`${bad.length} ${s.toLowerCase()} (${shown}${bad.length > 5 ? ', …' : ''})`);
  }
  const text =
    devices.length === 0
      ? 'no devices'
      : parts.length === 0
        ? `all ${devices.length} devices ok`
        : `${parts.join(', ')}, ${counts.OK} ok of ${devices.length} devices`;
  const perf = `ok=${counts.OK} warning=${counts.WARNING} critical=${counts.CRITICAL} unknown=${counts.UNKNOWN}`;
  return `FACETCTL HEALTH ${state} - ${text.replace(/\|/g, '/')} | ${perf}`;
}

/** A label value in the exposition format: backslash, double quote and line feed escaped. */
function label(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/**
 * The Prometheus text exposition format (version 0.0.4): gauges per device labelled by serial, for
 * node-exporter's textfile collector. Unknown values are left out (no NaN), as the collector's
 * guidelines prefer.
 */
export function prometheusText(report: HealthReport, now: Date): string {
  const lines: string[] = [];
  const gauge = (name: string, help: string, samples: [DeviceHealth | undefined, number | null][]) => {
    const present = samples.filter((s): s is [DeviceHealth | undefined, number] => s[1] !== null);
    if (present.length === 0) return;
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const [d, v] of present) {
      const labels = d ? `{serial="${label(d.serialNo)}",description="${label(d.description)}"}` : '';
      lines.push(`${name}${labels} ${v}`);
    }
  };
  const per = (f: (d: DeviceHealth) => number | null) =>
    report.devices.map((d) => [d, f(d)] as [DeviceHealth, number | null]);
  gauge(
    'facetctl_device_up',
    '1 when the device was in contact within the stale threshold and did not answer offline, else 0.',
    per((d) => (d.online === null ? null : d.online ? 1 : 0)),
  );
  gauge(
    'facetctl_device_health_state',
    'Verdict of facetctl device health: 0 ok, 1 warning, 2 critical, 3 unknown.',
    per((d) => STATE_CODE[d.state]),
  );
  gauge(
    'facetctl_device_last_access_age_seconds',
    'Seconds since the device last talked to the cloud (getDevice lastAccess).',
    per((d) => d.lastAccessAge),
  );
  gauge(
    'facetctl_device_last_recognition_age_seconds',
    'Seconds since the last recognition (getDevice lastRecog, device clock).',
    per((d) => d.lastRecogAge),
  );
  gauge(
    'facetctl_device_resting',
    '1 when the device is resting (getCurrentMode state 1), 0 when operating.',
    per((d) => (d.mode === null ? null : d.mode === 'resting' ? 1 : 0)),
  );
  gauge('facetctl_health_state', 'Overall verdict: 0 ok, 1 warning, 2 critical, 3 unknown.', [
    [undefined, STATE_CODE[report.state]],
  ]);
  gauge('facetctl_health_last_run_timestamp_seconds', 'When this file was written (Unix time).', [
    [undefined, Math.floor(now.getTime() / 1000)],
  ]);
  return `${lines.join('\n')}\n`;
}

/** The file written when the cloud could not be asked at all: the collector still sees a fresh verdict. */
export function prometheusUnknown(now: Date): string {
  return [
    '# HELP facetctl_health_state Overall verdict: 0 ok, 1 warning, 2 critical, 3 unknown.',
    '# TYPE facetctl_health_state gauge',
    `facetctl_health_state ${STATE_CODE.UNKNOWN}`,
    '# HELP facetctl_health_last_run_timestamp_seconds When this file was written (Unix time).',
    '# TYPE facetctl_health_last_run_timestamp_seconds gauge',
    `facetctl_health_last_run_timestamp_seconds ${Math.floor(now.getTime() / 1000)}`,
    '',
  ].join('\n');
}
