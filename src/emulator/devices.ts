/**
 * Simulated devices: face terminals and AI cameras with a model, firmware, settings, mode, logo and
 * reboot schedule. The emulator decides from a device row whether a call reaches it (online, kind,
 * model) before any handler runs.
 */

import { epochSecondsNow } from '../core/dates.js';
import { defaultConfig } from '../registry/index.js';
import { bumpLogVersion, type Db, nextSeq, stmt } from './store.js';

export type DeviceKind = 'terminal' | 'aicamera';

export interface DeviceRow {
  serial: string;
  seq: number;
  description: string;
  kind: DeviceKind;
  model: string;
  firmware: string;
  build_date: string;
  online: number;
  latency_ms: number | null;
  maintenance: number;
  last_access: number | null;
  last_recog: number | null;
  mode: number;
  push_url: string;
  apb: number;
  logo: Buffer | null;
  reboot_enable: number;
  reboot_day: number;
  reboot_hours: number;
  config: string;
  camera_picture: number | null;
  message: string | null;
}

export const DEFAULT_TERMINAL_MODEL = 'TACX1270';
export const DEFAULT_AICAMERA_MODEL = 'AIC-FC100';
export const DEFAULT_FIRMWARE = '1.396.11.10.T';
export const DEFAULT_BUILD_DATE = '2020-08-19';
/** The document: checkSimilarityInDevice is not available on these models. */
export const NO_SIMILARITY_MODELS = ['TTCX1100', '5MA0721-E-JD05'];

export interface NewDevice {
  serialNo: string;
  kind?: DeviceKind;
  model?: string;
  description?: string;
  online?: boolean;
  latencyMs?: number;
  firmware?: string;
  apb?: boolean;
}

export function getDevice(db: Db, serial: string): DeviceRow | undefined {
  return stmt(db, 'SELECT * FROM devices WHERE serial = ?').get(serial) as DeviceRow | undefined;
}

/** A device as a call sees it: every column but the settings JSON and the logo (see `deviceForCall`). */
export type CallDevice = Omit<DeviceRow, 'config' | 'logo'>;

const CALL_DEVICE_COLUMNS = [
  'serial',
  'seq',
  'description',
  'kind',
  'model',
  'firmware',
  'build_date',
  'online',
  'latency_ms',
  'maintenance',
  'last_access',
  'last_recog',
  'mode',
  'push_url',
  'apb',
  'reboot_enable',
  'reboot_day',
  'reboot_hours',
  'camera_picture',
  'message',
] as const satisfies readonly (keyof CallDevice)[];

/** Built once: joining the column list on every call showed in the page profile. */
const CALL_DEVICE_SQL = `SELECT ${CALL_DEVICE_COLUMNS.join(', ')} FROM devices WHERE serial = ?`;

/**
 * The device a facetCloud call names, read before every such call: without `config` (about 2 KB of
 * JSON) and `logo`, which only a few handlers read (they call `getDevice`); reading them made this
 * lookup several times dearer than the rest of a `/device/sync`.
 */
export function deviceForCall(db: Db, serial: string): CallDevice | undefined {
  return stmt(db, CALL_DEVICE_SQL).get(serial) as CallDevice | undefined;
}

export function listDevices(db: Db): DeviceRow[] {
  return stmt(db, 'SELECT * FROM devices ORDER BY seq').all() as DeviceRow[];
}

/** The columns getDevice answers with, for every device in `seq` order. */
export type DeviceSummary = Pick<DeviceRow, 'serial' | 'description' | 'last_access' | 'last_recog'>;

/**
 * `listDevices` narrowed to what `/device/getDevice` shows: without the settings JSON (about 2 KB a
 * device) and the logo, which the list never reads and which made it the emulator's hottest call.
 */
export function listDeviceSummaries(db: Db): DeviceSummary[] {
  return stmt(
    db,
    'SELECT serial, description, last_access, last_recog FROM devices ORDER BY seq',
  ).all() as DeviceSummary[];
}

export function createDevice(db: Db, d: NewDevice): DeviceRow {
  const kind = d.kind ?? 'terminal';
  const config = {
    ...defaultConfig,
    deviceMachineName: d.serialNo.slice(0, 32),
    netEth0MacAddress: macFor(d.serialNo),
  };
  stmt(
    db,
    `INSERT INTO devices (serial, seq, description, kind, model, firmware, build_date, online, latency_ms, apb, config, last_access)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    d.serialNo,
    nextSeq(db, 'devices'),
    d.description ?? '',
    kind,
    d.model ?? (kind === 'aicamera' ? DEFAULT_AICAMERA_MODEL : DEFAULT_TERMINAL_MODEL),
    d.firmware ?? DEFAULT_FIRMWARE,
    DEFAULT_BUILD_DATE,
    d.online === false ? 0 : 1,
    d.latencyMs ?? null,
    d.apb ? 1 : 0,
    JSON.stringify(config),
    epochSecondsNow(),
  );
  return getDevice(db, d.serialNo)!;
}

function macFor(serial: string): string {
  let h = 0;
  for (const c of serial) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  const bytes = [0x00, 0x1b, (h >>> 24) & 255, (h >>> 16) & 255, (h >>> 8) & 255, h & 255];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

export function deviceConfig(row: DeviceRow): Record<string, string | number> {
  return { ...defaultConfig, ...(JSON.parse(row.config) as Record<string, string | number>) };
}

export function touchDevice(db: Db, serial: string): void {
  stmt(db, 'UPDATE devices SET last_access = ? WHERE serial = ?').run(epochSecondsNow(), serial);
}

/**
 * How long a device's operation log waits for the cloud's periodic sync: 「操作ログは 30 分程度に一度、
 * 定時処理により自動同期されます」 (getOperateLog). Earlier, /device/sync brings it in.
 */
export const OPERATE_SYNC_SECONDS = 30 * 60;

/**
 * Records what the API did on a device, as the device's own operation log would: on the device
 * (pending) until the cloud syncs it, by /device/sync or the periodic sync (`OPERATE_SYNC_SECONDS`
 * after the entry; see `syncDueOperateLogs`), as the document describes for getOperateLog.
 */
export function addOperateLog(
  db: Db,
  serial: string,
  subType: string,
  detail = '',
  user = 'System',
  mainType = '操作',
): void {
  stmt(
    db,
    'INSERT INTO operate_logs (serial, time, user, main_type, sub_type, detail, pending) VALUES (?, ?, ?, ?, ?, ?, 1)',
  ).run(serial, epochSecondsNow(), user, mainType, subType, detail);
}

/**
 * The periodic sync of a device's operation logs, run when they are read: entries pending for
 * `OPERATE_SYNC_SECONDS` or longer reach the cloud. Returns how many did.
 */
export function syncDueOperateLogs(db: Db, serial: string): number {
  const due = stmt(db, 'UPDATE operate_logs SET pending = 0 WHERE serial = ? AND pending = 1 AND time <= ?').run(
    serial,
    epochSecondsNow() - OPERATE_SYNC_SECONDS,
  );
  if (due.changes > 0) bumpLogVersion(db, 'operate', serial);
  return due.changes;
}
