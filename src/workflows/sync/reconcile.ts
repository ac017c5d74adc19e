/**
 * `facetctl person reconcile` without commander: per device, what the cloud believes it holds (the
 * persons whose `serialNos` name it: getPersonFromCloud with registSerialNo) against what it holds
 * (getPersonFromDevice, every page). With a repair direction the drift is removed:
 *
 * - `to-device` (the cloud is right): persons missing on the device are sent again (toDevice),
 *   persons only on the device are deleted from it (deletePersonFromDevice);
 * - `to-cloud` (the device is right): the cloud forgets the association of persons the device no
 *   longer holds (deletePersonAssociation), persons only on the device are copied to the cloud
 *   (toCloud; not on AI cameras, whose refusal is reported per person).
 *
 * Device calls go through one queue per device (exclusive control) with the import's retries; an
 * unreadable device is reported and the others are still reconciled. Each repair step done can be
 * journaled like an import step (`--journal`). A killed repair run again repeats nothing: the drift
 * is read again, and what was repaired is no longer drift.
 */
import { CancelledError, DeviceError } from '../../core/errors.js';
import type { WireParams } from '../../core/params/index.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, realSleep, withRetry } from '../../core/retry.js';
import type { EndpointDef } from '../../registry/index.js';
import type { Journal } from '../import/journal.js';
import { DeviceQueues } from '../import/limit.js';
import { messageOf } from '../import/run-import.js';
import { syncEndpoints } from './endpoints.js';
import { readCloudPersons, readDevices } from './read-state.js';
import type { SyncClient } from './types.js';

export type RepairDirection = 'to-device' | 'to-cloud';

/** The three lists of one device, sorted by personCode. */
export interface DeviceDrift {
  serialNo: string;
  reachable: boolean;
  /** Why the device could not be read. */
  error?: string;
  /** On the device, unknown to the cloud's serialNos for it. */
  onlyOnDevice: string[];
  /** Believed by the cloud, missing on the device. */
  onlyInCloud: string[];
  /** Present on both. */
  both: string[];
}

export interface RepairLine {
  serialNo: string;
  personCode: string;
  action: 'toDevice' | 'deletePersonFromDevice' | 'deletePersonAssociation' | 'toCloud';
  status: 'ok' | 'failed' | 'skipped';
  message: string;
}

/** Compares the cloud's belief with each device. Never throws for one device: it is reported unreachable. */
export async function findDrift(client: SyncClient, serials: readonly string[], signal?: AbortSignal) {
  const reads = await readDevices(client, serials, signal);
  const out: DeviceDrift[] = [];
  for (const read of reads) {
    const serialNo = read.serialNo;
    if (!read.ok) {
      out.push({ serialNo, reachable: false, error: read.error.message, onlyOnDevice: [], onlyInCloud: [], both: [] });
      continue;
    }
    const believed = await readCloudPersons(client, { serials: [serialNo] }, { wantPicture: () => false, signal });
    const onlyOnDevice = [...read.persons.keys()].filter((c) => !believed.has(c)).sort();
    const onlyInCloud = [...believed.keys()].filter((c) => !read.persons.has(c)).sort();
    const both = [...believed.keys()].filter((c) => read.persons.has(c)).sort();
    out.push({ serialNo, reachable: true, onlyOnDevice, onlyInCloud, both });
  }
  return out;
}

/** Whether any device drifts or could not be read (exit 3). */
export function hasDrift(drift: readonly DeviceDrift[]): boolean {
  return drift.some((d) => !d.reachable || d.onlyOnDevice.length > 0 || d.onlyInCloud.length > 0);
}

export interface RepairOptions {
  client: SyncClient;
  drift: readonly DeviceDrift[];
  direction: RepairDirection;
  /** Where each completed step is recorded (optional). */
  journal?: Journal;
  signal: AbortSignal;
  now: () => Date;
  retry?: Partial<RetryPolicy>;
}

/** The rowHash slot of a repair step in the journal (it is not a CSV row). */
const REPAIR_HASH = 'reconcile';

/** Removes the drift in one direction; each device's steps run in its own queue. */
export async function repairDrift(opts: RepairOptions): Promise<RepairLine[]> {
  const eps = syncEndpoints();
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, retries: 5, ...opts.retry };
  const queues = new DeviceQueues(opts.signal);
  const lines: RepairLine[] = [];
  const send = (ep: EndpointDef, wire: WireParams) =>
    withRetry(
      async () => {
        const answer = await opts.client.call(ep, wire, { retries: 0 });
        return (answer.kind === 'json' ? answer.body : {}) as { result?: unknown; message?: unknown };
      },
      policy,
      { sleep: realSleep, random: Math.random, clock: () => Date.now(), signal: opts.signal },
    );
  const steps: {
    serialNo: string;
    personCode: string;
    action: RepairLine['action'];
    ep: EndpointDef;
    wire: WireParams;
    device: boolean;
  }[] = [];
  for (const d of opts.drift) {
    if (!d.reachable) continue;
    const s = d.serialNo;
    for (const code of d.onlyInCloud) {
      if (opts.direction === 'to-device') {
        steps.push({
          serialNo: s,
          personCode: code,
          action: 'toDevice',
          ep: eps.toDevice,
          wire: { serialNo: s, personCode: code, override: '1' },
          device: true,
        });
      } else {
        steps.push({
          serialNo: s,
          personCode: code,
          action: 'deletePersonAssociation',
          ep: eps.unlink,
          wire: { personCode: code, serialNo: s },
          device: false,
        });
      }
    }
    for (const code of d.onlyOnDevice) {
      if (opts.direction === 'to-device') {
        steps.push({
          serialNo: s,
          personCode: code,
          action: 'deletePersonFromDevice',
          ep: eps.deviceDelete,
          wire: { serialNo: s, personCode: code },
          device: true,
        });
      } else {
        steps.push({
          serialNo: s,
          personCode: code,
          action: 'toCloud',
          ep: eps.toCloud,
          wire: { serialNo: s, personCode: code, override: '1' },
          device: true,
        });
      }
    }
  }
  await Promise.all(
    steps.map(async (step) => {
      const line = { serialNo: step.serialNo, personCode: step.personCode, action: step.action };
      // The journal's step names are the import's; a repair step is recorded under its action name.
      const jStep = step.action as Parameters<Journal['isDone']>[1];
      try {
        const run = () => send(step.ep, step.wire);
        const body = step.device ? await queues.run(step.serialNo, run) : await run();
        if (body.result === false) {
          lines.push({
            ...line,
            status: 'failed',
            message: typeof body.message === 'string' ? body.message : 'result: false',
          });
          return;
        }
        await opts.journal?.record({
          key: step.personCode,
          rowHash: REPAIR_HASH,
          step: jStep,
          serial: step.serialNo,
          at: opts.now().toISOString(),
        });
        lines.push({ ...line, status: 'ok', message: '' });
      } catch (err) {
        const message = err instanceof CancelledError ? 'not sent: cancelled' : messageOf(err);
        lines.push({ ...line, status: 'failed', message: err instanceof DeviceError ? `device: ${message}` : message });
      }
    }),
  );
  return lines.sort((a, b) => a.serialNo.localeCompare(b.serialNo) || a.personCode.localeCompare(b.personCode));
}
