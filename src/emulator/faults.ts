/**
 * Injected faults (`POST /_emulator/faults`): a status, a dropped connection, or a delay, for the
 * requests whose path matches. With a `seed` the dice are deterministic, so a test can replay a run.
 */
import { seededRandom } from '../core/seeded-random.js';
export interface FaultSpec {
  path?: string;
  status?: 500 | 502 | 503;
  /**
   * With status 503: answer the document's second 503 body, the device connected but failing
   * (`{"name":"device","message":"デバイスとの通信が正常に行われませんでした。"}`), instead of the empty
   * maintenance answer.
   */
  deviceFailure?: boolean;
  rate?: number;
  resetRate?: number;
  delayMs?: number;
  seed?: number;
}

export type FaultOutcome = {
  delayMs: number;
  action: 'none' | 'reset' | { status: number; deviceFailure?: boolean };
};

export function validateFault(body: unknown): FaultSpec | string {
  if (!body || typeof body !== 'object') return 'body must be a JSON object';
  const f = body as Record<string, unknown>;
  if (f.path !== undefined && typeof f.path !== 'string') return 'path must be a string';
  if (f.status !== undefined && ![500, 502, 503].includes(f.status as number)) return 'status must be 500, 502 or 503';
  for (const k of ['rate', 'resetRate'] as const) {
    const v = f[k];
    if (v !== undefined && (typeof v !== 'number' || v < 0 || v > 1)) return `${k} must be a number from 0 to 1`;
  }
  if (f.delayMs !== undefined && (typeof f.delayMs !== 'number' || f.delayMs < 0 || f.delayMs > 600_000)) {
    return 'delayMs must be a number from 0 to 600000';
  }
  if (f.seed !== undefined && typeof f.seed !== 'number') return 'seed must be a number';
  if (f.deviceFailure !== undefined && typeof f.deviceFailure !== 'boolean')
    return 'deviceFailure must be true or false';
  if (f.deviceFailure && f.status !== undefined && f.status !== 503) return 'deviceFailure needs status 503';
  return f as FaultSpec;
}

interface ActiveFault extends FaultSpec {
  random: () => number;
}

export class Faults {
  private list: ActiveFault[] = [];

  add(spec: FaultSpec): void {
    this.list.push({ ...spec, random: spec.seed === undefined ? Math.random : seededRandom(spec.seed) });
  }

  clear(): void {
    this.list = [];
  }

  describe(): FaultSpec[] {
    return this.list.map(({ random: _r, ...spec }) => spec);
  }

  /** A fault path matches the full path (`/api1/person/toDevice`) or the path below /api1. */
  private matches(f: FaultSpec, path: string): boolean {
    if (!f.path) return true;
    return path === f.path || path.startsWith(f.path) || path === `/api1${f.path}` || path.startsWith(`/api1${f.path}`);
  }

  roll(path: string): FaultOutcome {
    let delayMs = 0;
    for (const f of this.list) {
      if (!this.matches(f, path)) continue;
      delayMs = Math.max(delayMs, f.delayMs ?? 0);
      if (f.resetRate && f.random() < f.resetRate) return { delayMs, action: 'reset' };
      const rate = f.rate ?? (f.status ? 1 : 0);
      if (rate > 0 && f.random() < rate) {
        return { delayMs, action: { status: f.status ?? 503, deviceFailure: f.deviceFailure } };
      }
    }
    return { delayMs, action: 'none' };
  }
}
