/** /device/*: the device list, log synchronisation, APB repair and push URLs. */

import { formatEpochSeconds } from '../../core/dates.js';
import { listDeviceSummaries, listDevices } from '../devices.js';
import type { Handler, HandlerTable } from '../emu.js';
import { json } from '../envelope.js';
import { syncPending } from '../recog-logs.js';
import { bumpLogVersion, memoOnDb, stmt } from '../store.js';
import { device } from './common.js';

const SYNC_RECOG_LIMIT = 100;
const SYNC_OPERATE_LIMIT = 500;
const APB_REPAIRS_PER_CALL = 100;
const APB_MAX_TRIES = 10;

/**
 * The list is the same until a device row changes: it is built once per database state (devices polled
 * by many clients at once would otherwise each read and format every row), and, being frozen, is
 * serialized once too (http-server.ts).
 */
const getDevice: Handler = ({ emu }) =>
  json(
    memoOnDb(emu.db, 'device.getDevice', () =>
      listDeviceSummaries(emu.db).map((d) => ({
        serialNo: d.serial,
        description: d.description,
        lastAccess: d.last_access === null ? null : formatEpochSeconds(d.last_access),
        lastRecog: d.last_recog === null ? null : formatEpochSeconds(d.last_recog),
      })),
    ),
  );

const sync: Handler = (call) => {
  const { db } = call.emu;
  const serial = device(call).serial;
  const recog = syncPending(db, serial, SYNC_RECOG_LIMIT);
  // The limit in the text, not bound (see syncPending); the partial index `operate_pending` finds the
  // pending rows without reading the device's whole operation log.
  const ops = stmt(
    db,
    `UPDATE operate_logs SET pending = 0 WHERE id IN (SELECT id FROM operate_logs WHERE serial = ? AND pending = 1 ORDER BY id LIMIT ${SYNC_OPERATE_LIMIT})`,
  ).run(serial);
  if (ops.changes > 0) bumpLogVersion(db, 'operate', serial);
  return json({ recogLogRegisted: recog.logs, recogPictureRegisted: recog.pictures, operateLogRegisted: ops.changes });
};

/**
 * Tries the stored APB failures, fewest tries first, at most 100 a call: a repair succeeds when the
 * device is online now, and counts one more try otherwise (after 10 tries it is left alone).
 */
const apbRepaire: Handler = ({ emu }) => {
  const { db } = emu;
  const apbDevices = listDevices(db).filter((d) => d.apb);
  const result: Record<string, { success: string[]; error: string[] }> = {};
  for (const d of apbDevices) result[d.serial] = { success: [], error: [] };
  const failures = stmt(
    db,
    'SELECT serial, person_code, tries FROM apb_failures WHERE tries < ? ORDER BY tries, rowid LIMIT ?',
  ).all(APB_MAX_TRIES, APB_REPAIRS_PER_CALL) as { serial: string; person_code: string; tries: number }[];
  for (const f of failures) {
    const d = apbDevices.find((x) => x.serial === f.serial);
    if (!d) continue;
    if (d.online && !d.maintenance) {
      stmt(db, 'DELETE FROM apb_failures WHERE serial = ? AND person_code = ?').run(f.serial, f.person_code);
      result[f.serial].success.push(f.person_code);
    } else {
      stmt(db, 'UPDATE apb_failures SET tries = tries + 1 WHERE serial = ? AND person_code = ?').run(
        f.serial,
        f.person_code,
      );
      result[f.serial].error.push(f.person_code);
    }
  }
  return json(result);
};

const getPushUrl: Handler = (call) => json({ push_url: device(call).push_url });

const registPushUrl: Handler = (call) => {
  const serial = device(call).serial;
  // 「既に登録されている内容を削除したい場合は、パラメータ「push_url」を空で送信してください。」: an empty
  // pushUrl (or its alias push_url) deletes; a call with neither keeps the registered URL.
  const url = call.params.pushUrl;
  if (url !== undefined) stmt(call.emu.db, 'UPDATE devices SET push_url = ? WHERE serial = ?').run(url, serial);
  return json({ result: true });
};

export const deviceHandlers = {
  'device.getDevice': getDevice,
  'device.sync': sync,
  'device.apbRepaire': apbRepaire,
  'device.getPushUrl': getPushUrl,
  'device.registPushUrl': registPushUrl,
} satisfies HandlerTable;
