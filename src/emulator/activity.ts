/**
 * What simulated devices do on their own: check in with the cloud, and (on request) recognise people
 * at a steady rate.
 *
 * Check-ins. The document (getDevice, レスポンス仕様): `lastAccess` is 「最後にこのデバイスと API サーバー間で
 * 通信が行われた日時です。顔が認識されていなくても死活監視のために一定時間ごとに通信が行われます。」 So an
 * online device's `last_access` moves forward every `intervalSeconds` (a check-in round), a
 * recognition that reaches the cloud moves it too (recog-logs.ts), and an offline device's stops.
 * A device can also be told to stop checking in while staying "online" (a hung agent, a cut uplink
 * the cloud has not noticed), which is what `device health` must catch.
 *
 * The clock is drivable: `tick(emu, seconds)` makes `seconds` pass for the check-ins (every stored
 * `last_access` moves that much into the past, then a round runs), so a test sees a device go quiet
 * without waiting ten minutes. Rounds also run on an unref'd real-time timer.
 *
 * Generators. `startGenerator` records one recognition every `everyMs` on a device (optionally every
 * k-th one preliminary), through the same path as `POST /_emulator/recognize`, so `log recog tail
 * --follow` can be tested against rows arriving while it pages.
 */

import { epochSecondsNow } from '../core/dates.js';
import type { Emu } from './emu.js';
import { type Db, stmt } from './store.js';

/** The document says 「一定時間ごと」 without a figure; one minute, like common device agents. */
export const DEFAULT_CHECKIN_SECONDS = 60;

/** Records one recognition on a device (the operator's recognize path); returns the id or null. */
export type RecognizeOne = (serial: string, opts: { preliminary: boolean; finalizeAfterMs?: number }) => void;

export interface GeneratorSpec {
  serialNo: string;
  everyMs: number;
  /** Stop after this many (default: until stopped). */
  count?: number;
  /** Every k-th recognition is preliminary (id null for `finalizeAfterMs`). */
  preliminaryEvery?: number;
  finalizeAfterMs?: number;
}

interface Generator {
  spec: GeneratorSpec;
  made: number;
  timer: ReturnType<typeof setInterval>;
}

interface State {
  intervalSeconds: number;
  timer: ReturnType<typeof setInterval> | undefined;
  /** Devices told to stop checking in (in memory: a restart resumes them). */
  silent: Set<string>;
  generators: Map<string, Generator>;
}

const states = new WeakMap<Emu, State>();

function stateOf(emu: Emu): State {
  let s = states.get(emu);
  if (!s) {
    s = { intervalSeconds: DEFAULT_CHECKIN_SECONDS, timer: undefined, silent: new Set(), generators: new Map() };
    states.set(emu, s);
  }
  return s;
}

/** Starts the real-time check-in rounds every `intervalSeconds` (> 0). */
export function startCheckins(emu: Emu, intervalSeconds = DEFAULT_CHECKIN_SECONDS): void {
  const s = stateOf(emu);
  s.intervalSeconds = intervalSeconds;
  if (s.timer) clearInterval(s.timer);
  s.timer = setInterval(() => checkInRound(emu), intervalSeconds * 1000);
  s.timer.unref();
}

/** Stops check-ins and generators (server close). */
export function stopActivity(emu: Emu): void {
  const s = states.get(emu);
  if (!s) return;
  if (s.timer) clearInterval(s.timer);
  for (const g of s.generators.values()) clearInterval(g.timer);
  states.delete(emu);
}

/** Every online device that is not silenced checks in now. */
export function checkInRound(emu: Emu, now = epochSecondsNow()): void {
  const silent = [...stateOf(emu).silent];
  const notSilent = silent.length ? ` AND serial NOT IN (${silent.map(() => '?').join(', ')})` : '';
  stmt(emu.db, `UPDATE devices SET last_access = ? WHERE online = 1${notSilent}`).run(now, ...silent);
}

/**
 * `seconds` pass for the check-ins: every stored lastAccess moves that far into the past (recognition
 * logs and lastRecog are not moved: they are the device's own clock), then online devices check in.
 */
export function tick(emu: Emu, seconds: number): void {
  if (seconds > 0) {
    stmt(emu.db, 'UPDATE devices SET last_access = last_access - ? WHERE last_access IS NOT NULL').run(
      Math.floor(seconds),
    );
  }
  checkInRound(emu);
}

export function setCheckingIn(emu: Emu, serial: string, on: boolean): void {
  const s = stateOf(emu);
  if (on) s.silent.delete(serial);
  else s.silent.add(serial);
}

export function isCheckingIn(emu: Emu, serial: string): boolean {
  return !stateOf(emu).silent.has(serial);
}

export function checkinIntervalSeconds(emu: Emu): number {
  return stateOf(emu).intervalSeconds;
}

/** A recognition reaching the cloud is contact: lastAccess moves (online devices only). */
export function touchByRecognition(db: Db, serial: string, now = epochSecondsNow()): void {
  stmt(db, 'UPDATE devices SET last_access = MAX(COALESCE(last_access, 0), ?) WHERE serial = ? AND online = 1').run(
    now,
    serial,
  );
}

/** Replaces the device's generator; stops by itself after `count`. */
export function startGenerator(emu: Emu, spec: GeneratorSpec, recognizeOne: RecognizeOne): void {
  stopGenerators(emu, spec.serialNo);
  const s = stateOf(emu);
  const g: Generator = {
    spec,
    made: 0,
    timer: setInterval(() => {
      if (spec.count !== undefined && g.made >= spec.count) {
        stopGenerators(emu, spec.serialNo);
        return;
      }
      g.made++;
      const preliminary = spec.preliminaryEvery !== undefined && g.made % spec.preliminaryEvery === 0;
      try {
        recognizeOne(spec.serialNo, { preliminary, finalizeAfterMs: spec.finalizeAfterMs });
      } catch (err) {
        emu.log(`generator ${spec.serialNo}: ${(err as Error).message}`);
        stopGenerators(emu, spec.serialNo);
      }
    }, spec.everyMs),
  };
  g.timer.unref();
  s.generators.set(spec.serialNo, g);
}

/** Stops one device's generator, or all. */
export function stopGenerators(emu: Emu, serial?: string): void {
  const s = stateOf(emu);
  for (const [k, g] of s.generators) {
    if (serial !== undefined && k !== serial) continue;
    clearInterval(g.timer);
    s.generators.delete(k);
  }
}

export function describeGenerators(emu: Emu): (GeneratorSpec & { made: number })[] {
  return [...stateOf(emu).generators.values()].map((g) => ({ ...g.spec, made: g.made }));
}

/** After a reset: no silenced devices, no generators (the interval stays). */
export function resetActivity(emu: Emu): void {
  stopGenerators(emu);
  stateOf(emu).silent.clear();
}
