/**
 * The operator API under `/_emulator/` (same token, JSON bodies): set up devices, simulate
 * recognitions, inject faults, read the request journal, reset. For tests and demos; the cloud has
 * no such thing.
 */
import type { IncomingMessage } from 'node:http';
import { secretEquals } from '../core/compare.js';
import { epochSecondsNow, formatEpochSeconds, parseWireEpochSeconds } from '../core/dates.js';
import {
  checkinIntervalSeconds,
  describeGenerators,
  isCheckingIn,
  resetActivity,
  setCheckingIn,
  startGenerator,
  stopGenerators,
  tick,
  touchByRecognition,
} from './activity.js';
import { asset } from './assets.js';
import { createDevice, type DeviceKind, getDevice, listDevices } from './devices.js';
import type { Emu } from './emu.js';
import type { Answer } from './envelope.js';
import { ipAllowed } from './facet-api.js';
import { validateFault } from './faults.js';
import { bodyOf, clientIp, safeDecode } from './http-util.js';
import { addPreliminary, DEFAULT_FINALIZE_AFTER_MS, finalizePreliminary, schedulePreliminary } from './preliminary.js';
import { sendPush } from './push.js';
import { insertRecog, insertRecogGenerated, type NewRecog, type RecogRow } from './recog-logs.js';
import { bumpLogVersion, putPicture, resetState, stmt } from './store.js';

type Body = Record<string, unknown>;

function ok(body: unknown, status = 200): Answer {
  return { kind: 'json', status, body };
}

function bad(message: string, status = 400): Answer {
  return { kind: 'json', status, body: { error: message } };
}

export async function handleOperator(
  emu: Emu,
  method: string,
  path: string,
  req: IncomingMessage,
  _query: Record<string, string>,
): Promise<Answer> {
  const raw = await bodyOf(req, method);
  if (!ipAllowed(emu, clientIp(req))) return bad('source IP not allowed', 401);
  const header = req.headers['ds-api-token'];
  if (!secretEquals(Array.isArray(header) ? header[0] : header, emu.token))
    return bad('missing or wrong ds-api-token header', 403);
  let body: Body = {};
  if (raw.length) {
    try {
      const parsed = JSON.parse(raw.toString('utf8'));
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return bad('the body must be a JSON object');
      body = parsed as Body;
    } catch {
      return bad('the body is not valid JSON');
    }
  }
  const deviceMatch = /^\/devices\/([^/]+)$/.exec(path);
  const serial = deviceMatch ? safeDecode(deviceMatch[1]) : undefined;
  if (deviceMatch && serial === undefined) return bad('no such device', 404);
  const key = `${method} ${deviceMatch ? '/devices/:serial' : path}`;
  switch (key) {
    case 'GET /devices':
      return ok(listDevices(emu.db).map((d) => describeDevice(d, emu)));
    case 'POST /devices':
      return addDevice(emu, body);
    case 'GET /devices/:serial': {
      const d = getDevice(emu.db, serial!);
      return d ? ok(describeDevice(d, emu)) : bad('no such device', 404);
    }
    case 'PATCH /devices/:serial':
      return patchDevice(emu, serial!, body);
    case 'POST /api-latency': {
      const ms = body.ms;
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > 600000)
        return bad('ms must be a number of milliseconds, 0–600000');
      emu.settings.apiLatencyMs = ms;
      return ok({ apiLatencyMs: ms });
    }
    case 'POST /maintenance':
      emu.settings.maintenance = body.on === true;
      return ok({ maintenance: emu.settings.maintenance });
    case 'POST /recognize':
      return recognize(emu, body);
    case 'POST /tick':
      return tickClock(emu, body);
    case 'GET /generate':
      return ok({ generators: describeGenerators(emu) });
    case 'POST /generate':
      return generate(emu, body);
    case 'DELETE /generate':
      if (body.serialNo !== undefined && !isStr(body.serialNo)) return bad('serialNo must be a string');
      stopGenerators(emu, body.serialNo as string | undefined);
      return ok({ generators: describeGenerators(emu) });
    case 'POST /finalize':
      return finalize(emu, body);
    case 'POST /device-persons':
      return addDevicePerson(emu, body);
    case 'DELETE /device-persons':
      return removeDevicePersons(emu, body);
    case 'POST /operate-logs':
      return addOperate(emu, body);
    case 'POST /apb-failures':
      return addApbFailure(emu, body);
    case 'GET /faults':
      return ok({ faults: emu.faults.describe() });
    case 'POST /faults': {
      const spec = validateFault(body);
      if (typeof spec === 'string') return bad(spec);
      emu.faults.add(spec);
      return ok({ faults: emu.faults.describe() });
    }
    case 'DELETE /faults':
      emu.faults.clear();
      return ok({ faults: [] });
    case 'GET /requests':
      return ok({ requests: emu.journal.list() });
    case 'DELETE /requests':
      emu.journal.clear();
      return ok({ requests: [] });
    case 'POST /reset':
      resetState(emu.db);
      emu.faults.clear();
      emu.journal.clear();
      emu.locks.clear();
      emu.failAfter.clear();
      emu.settings.maintenance = false;
      resetActivity(emu);
      schedulePreliminary(emu);
      return ok({ reset: true });
    default:
      return bad(`unknown operator call ${method} /_emulator${path}`, 404);
  }
}

function describeDevice(d: NonNullable<ReturnType<typeof getDevice>>, emu: Emu) {
  return {
    serialNo: d.serial,
    kind: d.kind,
    model: d.model,
    firmware: d.firmware,
    description: d.description,
    online: d.online === 1,
    maintenance: d.maintenance === 1,
    latencyMs: d.latency_ms,
    apb: d.apb === 1,
    mode: d.mode,
    pushUrl: d.push_url,
    checkIns: isCheckingIn(emu, d.serial),
    lastAccess: d.last_access === null ? null : formatEpochSeconds(d.last_access),
    /** The last displayMessage as the device shows it (fallback colours applied), or null. */
    message: d.message ? JSON.parse(d.message) : null,
  };
}

function isStr(v: unknown): v is string {
  return typeof v === 'string';
}

function addDevice(emu: Emu, b: Body): Answer {
  if (!isStr(b.serialNo) || !/^[A-Za-z0-9_-]{1,32}$/.test(b.serialNo)) {
    return bad('serialNo is required: 1–32 letters, digits, - or _');
  }
  if (b.kind !== undefined && b.kind !== 'terminal' && b.kind !== 'aicamera')
    return bad('kind must be terminal or aicamera');
  if (getDevice(emu.db, b.serialNo)) return bad(`device ${b.serialNo} already exists`, 409);
  if (b.latencyMs !== undefined && (typeof b.latencyMs !== 'number' || b.latencyMs < 0))
    return bad('latencyMs must be ≥ 0');
  const d = createDevice(emu.db, {
    serialNo: b.serialNo,
    kind: (b.kind as DeviceKind | undefined) ?? 'terminal',
    model: isStr(b.model) ? b.model : undefined,
    description: isStr(b.description) ? b.description : undefined,
    online: b.online !== false,
    latencyMs: typeof b.latencyMs === 'number' ? b.latencyMs : undefined,
    firmware: isStr(b.firmware) ? b.firmware : undefined,
    apb: b.apb === true,
  });
  return ok(describeDevice(d, emu), 201);
}

function patchDevice(emu: Emu, serial: string, b: Body): Answer {
  const d = getDevice(emu.db, serial);
  if (!d) return bad(`no device ${serial}`, 404);
  const sets: string[] = [];
  const args: unknown[] = [];
  const set = (col: string, v: unknown) => {
    sets.push(`${col} = ?`);
    args.push(v);
  };
  if (b.online !== undefined) set('online', b.online === true ? 1 : 0);
  if (b.maintenance !== undefined) set('maintenance', b.maintenance === true ? 1 : 0);
  if (b.apb !== undefined) set('apb', b.apb === true ? 1 : 0);
  if (b.latencyMs !== undefined) {
    if (b.latencyMs !== null && (typeof b.latencyMs !== 'number' || b.latencyMs < 0))
      return bad('latencyMs must be ≥ 0');
    set('latency_ms', b.latencyMs);
  }
  for (const [k, col] of [
    ['description', 'description'],
    ['model', 'model'],
    ['firmware', 'firmware'],
  ] as const) {
    if (b[k] !== undefined) {
      if (!isStr(b[k])) return bad(`${k} must be a string`);
      set(col, b[k]);
    }
  }
  if (b.cameraPicture !== undefined) {
    if (b.cameraPicture === null) set('camera_picture', null);
    else if (isStr(b.cameraPicture)) set('camera_picture', putPicture(emu.db, Buffer.from(b.cameraPicture, 'base64')));
    else return bad('cameraPicture must be base64 text or null');
  }
  if (b.checkIns !== undefined) {
    if (typeof b.checkIns !== 'boolean') return bad('checkIns must be true or false');
    setCheckingIn(emu, serial, b.checkIns);
  }
  if (b.lastAccess !== undefined) {
    const t = isStr(b.lastAccess) ? parseWireEpochSeconds(b.lastAccess) : undefined;
    if (b.lastAccess !== null && t === undefined) return bad('lastAccess must be YYYY/MM/DD HH:MI:SS or null');
    set('last_access', t ?? null);
  }
  if (b.failAfter !== undefined) {
    if (b.failAfter === null) emu.failAfter.delete(serial);
    else if (typeof b.failAfter === 'number' && b.failAfter >= 0) emu.failAfter.set(serial, Math.floor(b.failAfter));
    else return bad('failAfter must be a number ≥ 0 or null');
  }
  if (sets.length) stmt(emu.db, `UPDATE devices SET ${sets.join(', ')} WHERE serial = ?`).run(...args, serial);
  return ok(describeDevice(getDevice(emu.db, serial)!, emu));
}

interface KnownPerson {
  code: string;
  name: string | null;
  picture_id: number | null;
  type_code: number | null;
}

function personOnDevice(emu: Emu, serial: string, code: string): KnownPerson | undefined {
  const onDevice = stmt(
    emu.db,
    'SELECT code, name, picture_id, NULL AS type_code FROM device_persons WHERE serial = ? AND code = ?',
  ).get(serial, code) as KnownPerson | undefined;
  const cloud = stmt(emu.db, 'SELECT code, name, picture_id, type_code FROM persons WHERE code = ?').get(code) as
    | KnownPerson
    | undefined;
  if (!onDevice && !cloud) return undefined;
  return {
    code,
    name: onDevice?.name ?? cloud?.name ?? null,
    picture_id: onDevice?.picture_id ?? cloud?.picture_id ?? null,
    type_code: cloud?.type_code ?? null,
  };
}

function typeName(emu: Emu, code: number | null): string | null {
  if (code === null) return null;
  const row = stmt(emu.db, 'SELECT name FROM person_types WHERE code = ?').get(code) as { name: string } | undefined;
  return row?.name ?? null;
}

/** `pass` as given (true/false or 1/0); by default a known person passes and a stranger does not. */
function passOf(v: unknown, known: boolean): number {
  if (v === true || v === 1) return 1;
  if (v === false || v === 0) return 0;
  return known ? 1 : 0;
}

function num(v: unknown, dflt: number | null): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : dflt;
}

function recognize(emu: Emu, b: Body): Answer {
  if (!isStr(b.serialNo)) return bad('serialNo is required');
  const d = getDevice(emu.db, b.serialNo);
  if (!d) return bad(`no device ${b.serialNo}`, 404);
  const pending = b.pending === true;
  const preliminary = b.preliminary === true;
  if (preliminary && (pending || b.count !== undefined)) {
    return bad('preliminary is for one recognition already in the cloud: not with count or pending');
  }
  const finalizeAfterMs = b.finalizeAfterMs ?? DEFAULT_FINALIZE_AFTER_MS;
  if (typeof finalizeAfterMs !== 'number' || !Number.isFinite(finalizeAfterMs) || finalizeAfterMs < 0) {
    return bad('finalizeAfterMs must be a number ≥ 0');
  }
  const defaultPicture = putPicture(
    emu.db,
    isStr(b.picture) ? Buffer.from(b.picture, 'base64') : asset('face-cameraman.jpg'),
  );
  if (b.count !== undefined) {
    if (typeof b.count !== 'number' || !Number.isInteger(b.count) || b.count < 1 || b.count > 10_000_000) {
      return bad('count must be an integer from 1 to 10000000');
    }
    return bulkRecognize(emu, d.serial, b.count, b, defaultPicture, pending);
  }
  const person = isStr(b.personCode) ? personOnDevice(emu, d.serial, b.personCode) : undefined;
  const time = isStr(b.time) ? parseWireEpochSeconds(b.time) : epochSecondsNow();
  if (time === undefined) return bad('time must be YYYY/MM/DD HH:MI:SS');
  const row: NewRecog = {
    serial: d.serial,
    time,
    person_code: isStr(b.personCode) ? b.personCode : null,
    person_name: person?.name ?? null,
    picture_id: isStr(b.picture) ? defaultPicture : (person?.picture_id ?? defaultPicture),
    mask: num(b.mask, 2)!,
    temp: num(b.temp, null),
    pass: passOf(b.pass, isStr(b.personCode)),
    score: num(b.score, isStr(b.personCode) ? 95.2 : 41.3),
    pass_flag_name: typeName(emu, person?.type_code ?? null),
    access_type: isStr(b.accessType) ? b.accessType : 'Face',
    card_no: isStr(b.cardNo) ? b.cardNo : null,
    card_type: isStr(b.cardNo) ? '1' : null,
    card_bind_code: isStr(b.cardNo) ? (person?.code ?? null) : null,
    card_bind_name: isStr(b.cardNo) ? (person?.name ?? null) : null,
    person_type_code: person?.type_code ?? null,
  };
  if (preliminary) {
    addPreliminary(emu, row, finalizeAfterMs);
    touchByRecognition(emu.db, d.serial);
    recordApbFailures(emu, d.serial, row.person_code);
    // The push fields carry no id, so the notification need not wait for one.
    sendPush(emu, d.push_url, { id: 0, ...row });
    return ok({ id: null, pending: false, preliminary: true, finalizeAfterMs });
  }
  const id = insertRecog(emu.db, row, pending);
  if (!pending) {
    recordApbFailures(emu, d.serial, row.person_code);
    sendPush(emu, d.push_url, { id, ...row } as RecogRow);
  }
  return ok({ id: pending ? null : id, pending });
}

/**
 * `seconds` pass for the devices' check-ins (default 0: a check-in round now): online devices that
 * check in get lastAccess = now, the others' lastAccess ages by `seconds`.
 */
function tickClock(emu: Emu, b: Body): Answer {
  const seconds = b.seconds ?? 0;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0 || seconds > 10 * 365 * 86400) {
    return bad('seconds must be a number from 0 to 315360000');
  }
  tick(emu, seconds);
  return ok({
    checkinIntervalSeconds: checkinIntervalSeconds(emu),
    devices: listDevices(emu.db).map((d) => ({
      serialNo: d.serial,
      online: d.online === 1,
      checkIns: isCheckingIn(emu, d.serial),
      lastAccess: d.last_access === null ? null : formatEpochSeconds(d.last_access),
    })),
  });
}

/** Recognitions at a steady rate on one device, through the same path as POST /recognize. */
function generate(emu: Emu, b: Body): Answer {
  if (!isStr(b.serialNo) || !getDevice(emu.db, b.serialNo)) return bad('serialNo must name a device');
  const intIn = (v: unknown, min: number, max: number) =>
    v === undefined || (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max);
  if (!intIn(b.everyMs, 10, 3_600_000) || b.everyMs === undefined)
    return bad('everyMs must be an integer from 10 to 3600000');
  if (!intIn(b.count, 1, 1_000_000)) return bad('count must be an integer from 1 to 1000000');
  if (!intIn(b.preliminaryEvery, 1, 1_000_000)) return bad('preliminaryEvery must be an integer ≥ 1');
  if (!intIn(b.finalizeAfterMs, 0, 3_600_000)) return bad('finalizeAfterMs must be an integer from 0 to 3600000');
  const spec = {
    serialNo: b.serialNo,
    everyMs: b.everyMs as number,
    count: b.count as number | undefined,
    preliminaryEvery: b.preliminaryEvery as number | undefined,
    finalizeAfterMs: b.finalizeAfterMs as number | undefined,
  };
  startGenerator(emu, spec, (serialNo, o) => {
    const answer = recognize(emu, {
      serialNo,
      ...(o.preliminary ? { preliminary: true, finalizeAfterMs: o.finalizeAfterMs } : {}),
    });
    if (answer.kind === 'json' && answer.status !== 200) throw new Error(JSON.stringify(answer.body));
  });
  return ok({ generators: describeGenerators(emu) }, 201);
}

/** The device finishes analysing its preliminary recognitions now (one device, or all). */
function finalize(emu: Emu, b: Body): Answer {
  if (b.serialNo !== undefined) {
    if (!isStr(b.serialNo)) return bad('serialNo must be a string');
    if (!getDevice(emu.db, b.serialNo)) return bad(`no device ${b.serialNo}`, 404);
  }
  const done = finalizePreliminary(emu, { serial: b.serialNo as string | undefined });
  return ok({ finalized: done.map((f) => ({ serialNo: f.serialNo, id: f.id, time: formatEpochSeconds(f.time) })) });
}

/** A recognition on an APB device that its offline APB peers could not hear about. */
function recordApbFailures(emu: Emu, serial: string, personCode: string | null): void {
  if (!personCode) return;
  const d = getDevice(emu.db, serial);
  if (!d?.apb) return;
  for (const peer of listDevices(emu.db)) {
    if (peer.serial === serial || !peer.apb || peer.online) continue;
    stmt(emu.db, 'INSERT OR IGNORE INTO apb_failures (serial, person_code, tries) VALUES (?, ?, 0)').run(
      peer.serial,
      personCode,
    );
  }
}

function bulkRecognize(emu: Emu, serial: string, count: number, b: Body, pictureId: number, pending: boolean): Answer {
  if (b.days !== undefined && (typeof b.days !== 'number' || !Number.isFinite(b.days) || b.days < 0)) {
    return bad('days must be a number ≥ 0 (0: every recognition now)');
  }
  const days = typeof b.days === 'number' ? b.days : 7;
  const end = epochSecondsNow();
  const span = Math.floor(days * 86400);
  const people = isStr(b.personCode)
    ? [{ code: b.personCode, name: personOnDevice(emu, serial, b.personCode)?.name ?? null }]
    : (stmt(emu.db, 'SELECT code, name FROM device_persons WHERE serial = ? ORDER BY seq').all(serial) as {
        code: string;
        name: string | null;
      }[]);
  const started = Date.now();
  insertRecogGenerated(emu.db, { serial, count, start: end - span, span, pictureId, people, pending });
  return ok({ inserted: count, pending, ms: Date.now() - started });
}

function addDevicePerson(emu: Emu, b: Body): Answer {
  if (!isStr(b.serialNo) || !getDevice(emu.db, b.serialNo)) return bad('serialNo must name a device');
  if (!isStr(b.personCode) || !b.personCode) return bad('personCode is required');
  const picture = isStr(b.picture) ? putPicture(emu.db, Buffer.from(b.picture, 'base64')) : null;
  const seq = (
    stmt(emu.db, 'SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM device_persons WHERE serial = ?').get(b.serialNo) as {
      n: number;
    }
  ).n;
  stmt(
    emu.db,
    `INSERT INTO device_persons (serial, code, seq, name, sex, birthday, picture_id, access_times, cards)
       VALUES (?, ?, ?, ?, ?, ?, ?, '[]', '[]')
       ON CONFLICT(serial, code) DO UPDATE SET name = excluded.name, sex = excluded.sex,
         birthday = excluded.birthday, picture_id = COALESCE(excluded.picture_id, picture_id)`,
  ).run(
    b.serialNo,
    b.personCode,
    seq,
    isStr(b.personName) ? b.personName : null,
    isStr(b.sex) ? b.sex : 'male',
    isStr(b.birthday) ? b.birthday : '1970/01/01',
    picture,
  );
  return ok({ serialNo: b.serialNo, personCode: b.personCode }, 201);
}

/**
 * Deletes one person (`personCode`) or every person (no `personCode`) from a device as the device's
 * own management tool would: the cloud's associations (`serialNos`) are left as they were, which is
 * the drift `person reconcile` finds.
 */
function removeDevicePersons(emu: Emu, b: Body): Answer {
  if (!isStr(b.serialNo) || !getDevice(emu.db, b.serialNo)) return bad('serialNo must name a device');
  if (b.personCode !== undefined && (!isStr(b.personCode) || !b.personCode)) {
    return bad('personCode must be a non-empty string (or absent to clear the device)');
  }
  const deleted = isStr(b.personCode)
    ? stmt(emu.db, 'DELETE FROM device_persons WHERE serial = ? AND code = ?').run(b.serialNo, b.personCode).changes
    : stmt(emu.db, 'DELETE FROM device_persons WHERE serial = ?').run(b.serialNo).changes;
  return ok({ serialNo: b.serialNo, deleted });
}

function addOperate(emu: Emu, b: Body): Answer {
  if (!isStr(b.serialNo) || !getDevice(emu.db, b.serialNo)) return bad('serialNo must name a device');
  const time = isStr(b.time) ? parseWireEpochSeconds(b.time) : epochSecondsNow();
  if (time === undefined) return bad('time must be YYYY/MM/DD HH:MI:SS');
  stmt(
    emu.db,
    'INSERT INTO operate_logs (serial, time, user, main_type, sub_type, detail, pending) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(
    b.serialNo,
    time,
    isStr(b.operateUser) ? b.operateUser : 'admin',
    isStr(b.mainType) ? b.mainType : '操作',
    isStr(b.subType) ? b.subType : 'ユーザーログイン',
    isStr(b.detail) ? b.detail : '',
    b.pending === true ? 1 : 0,
  );
  bumpLogVersion(emu.db, 'operate', b.serialNo);
  return ok({ added: 1 }, 201);
}

function addApbFailure(emu: Emu, b: Body): Answer {
  if (!isStr(b.serialNo) || !getDevice(emu.db, b.serialNo)) return bad('serialNo must name a device');
  if (!isStr(b.personCode)) return bad('personCode is required');
  stmt(emu.db, 'INSERT OR REPLACE INTO apb_failures (serial, person_code, tries) VALUES (?, ?, ?)').run(
    b.serialNo,
    b.personCode,
    num(b.tries, 0),
  );
  return ok({ added: 1 }, 201);
}
