/** /system/*: information, reboot, door, modes, messages, reboot schedule, settings files, firmware. */

import { gzipSync } from 'node:zlib';
import { formatApiDate } from '../../core/dates.js';
import { addOperateLog, deviceConfig } from '../devices.js';
import type { Handler, HandlerTable } from '../emu.js';
import { bytes, fail, json } from '../envelope.js';
import { stmt } from '../store.js';
import { device, deviceWithSettings, int, str, takeFailAfter } from './common.js';

const getSystemInfo: Handler = (call) => {
  const d = device(call);
  return json({
    deviceType: d.model,
    serialNumber: d.serial,
    softwareVersion: d.firmware,
    softwareBuildDate: d.build_date,
  });
};

/** The cloud only sends the request; the answer is always `{request: true}`. */
const reboot: Handler = (call) => {
  addOperateLog(call.emu.db, device(call).serial, '再起動', 'API');
  return json({ request: true });
};

const openOnce: Handler = (call) => {
  addOperateLog(call.emu.db, device(call).serial, 'ドア開錠', 'API');
  return json({ result: true });
};

function setMode(state: 0 | 1, subType: string): Handler {
  return (call) => {
    const d = device(call);
    stmt(call.emu.db, 'UPDATE devices SET mode = ? WHERE serial = ?').run(state, d.serial);
    addOperateLog(call.emu.db, d.serial, subType, 'API');
    return json({ result: true });
  };
}

const getCurrentMode: Handler = (call) => json({ result: true, state: device(call).mode });

const displayMessage: Handler = (call) => {
  const d = device(call);
  const message = {
    Customtip: str(call, 'Customtip'),
    Tipstime: int(call, 'Tipstime'),
    BorderColor: str(call, 'BorderColor'),
    BackgroundColor: str(call, 'BackgroundColor'),
  };
  stmt(call.emu.db, 'UPDATE devices SET message = ? WHERE serial = ?').run(JSON.stringify(message), d.serial);
  return json({ result: true });
};

const getRebootSchedule: Handler = (call) => {
  const d = device(call);
  return json({
    rebootScheduleEnable: d.reboot_enable,
    rebootScheduleDayWeek: d.reboot_day,
    rebootScheduleHours: d.reboot_hours,
  });
};

const SCHEDULE_COLUMNS = [
  ['rebootScheduleEnable', 'reboot_enable'],
  ['rebootScheduleDayWeek', 'reboot_day'],
  ['rebootScheduleHours', 'reboot_hours'],
] as const;

const setRebootSchedule: Handler = (call) => {
  const d = device(call);
  const changes = SCHEDULE_COLUMNS.filter(([param, column]) => {
    const v = int(call, param);
    return v !== undefined && v !== d[column];
  });
  const cut = takeFailAfter(call, d.serial) ?? changes.length;
  const updated: string[] = [];
  const errored: string[] = [];
  changes.forEach(([param, column], i) => {
    if (i >= cut) {
      errored.push(param);
      return;
    }
    stmt(call.emu.db, `UPDATE devices SET ${column} = ? WHERE serial = ?`).run(int(call, param), d.serial);
    updated.push(param);
  });
  return json({ updated, errored });
};

/** A gzip'd JSON of the device's settings: binary, as the document says, and not meant for editing. */
const exportConfig: Handler = (call) => {
  const d = deviceWithSettings(call);
  const file = { format: 'facet-emulator-config/1', serialNo: d.serial, model: d.model, config: deviceConfig(d) };
  return bytes(gzipSync(Buffer.from(JSON.stringify(file))), 'application/octet-stream');
};

/** The document: 「この機能は現在ご利用いただけません。」 */
const importConfig: Handler = () => fail(400, 'importConfig', 'この機能は現在ご利用いただけません。');

const updateFirmware: Handler = (call) => {
  const d = device(call);
  const version = str(call, 'version')!;
  // The cloud's date today, as `YYYY-MM-DD`.
  const buildDate = formatApiDate(new Date()).replaceAll('/', '-');
  stmt(call.emu.db, 'UPDATE devices SET firmware = ?, build_date = ? WHERE serial = ?').run(
    version,
    buildDate,
    d.serial,
  );
  addOperateLog(call.emu.db, d.serial, 'ファームウェア更新', `version:${version}`);
  return json({ request: true });
};

export const systemHandlers = {
  'system.getSystemInfo': getSystemInfo,
  'system.reboot': reboot,
  'system.openOnce': openOnce,
  'system.setHibernateMode': setMode(1, '休止'),
  'system.setOperationMode': setMode(0, '運用'),
  'system.getCurrentMode': getCurrentMode,
  'system.displayMessage': displayMessage,
  'system.getRebootSchedule': getRebootSchedule,
  'system.setRebootSchedule': setRebootSchedule,
  'system.exportConfig': exportConfig,
  'system.importConfig': importConfig,
  'system.updateFirmware': updateFirmware,
} satisfies HandlerTable;
