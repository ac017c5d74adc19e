/** /log/*: recognition logs (list, physical delete) and operation logs. */

import { formatEpochSeconds, parseWireEpochSeconds } from '../../core/dates.js';
import { syncDueOperateLogs } from '../devices.js';
import type { Call, Handler, HandlerTable } from '../emu.js';
import { json } from '../envelope.js';
import { type PageStart, pageMemo } from '../page-memo.js';
import { countPreliminary, latestPreliminary, type PreliminaryRow, pagePreliminary } from '../preliminary.js';
import {
  countRecog,
  deleteRecogIds,
  latestRecog,
  matchingIds,
  pageRecog,
  type RecogFilter,
  type RecogRow,
} from '../recog-logs.js';
import { type Db, logVersion, stmt } from '../store.js';
import { device, maskName, paging, pictureAccess, str, takeFailAfter } from './common.js';

/**
 * One list entry as the document shows it. `id` is a string like the sample's "125" (the PHP cloud
 * answers database ids as strings), null while the log is preliminary (速報データ); `pass` is a
 * boolean; absent values are null.
 */
function recogItem(call: Call, r: RecogRow | PreliminaryRow, url: (id: number | null) => string | null) {
  return {
    id: r.id === null ? null : String(r.id),
    time: formatEpochSeconds(r.time),
    personCode: r.person_code,
    personName: maskName(call, r.person_name),
    pictureUrl: url(r.picture_id),
    mask: r.mask,
    temp: r.temp,
    pass: r.pass === 1,
    searchScore: r.score,
    passFlagName: r.pass_flag_name,
    accessType: r.access_type,
    cardNo: r.card_no,
    cardType: r.card_type,
    cardBindPersonCode: r.card_bind_code,
    cardBindPersonName: maskName(call, r.card_bind_name),
  };
}

function filterOf(call: Call): RecogFilter {
  const from = str(call, 'recogTimeFrom');
  const to = str(call, 'recogTimeTo');
  return {
    serial: device(call).serial,
    from: from === undefined ? undefined : parseWireEpochSeconds(from),
    to: to === undefined ? undefined : parseWireEpochSeconds(to),
    personCode: str(call, 'personCode'),
  };
}

const getRecogLog: Handler = (call) => {
  const { db } = call.emu;
  const pics = pictureAccess(call);
  if (str(call, 'latest') === '1') {
    const serial = device(call).serial;
    const row = latestPreliminary(db, serial) ?? latestRecog(db, serial);
    return json({ pictureCookie: pics.cookie, list: row ? [recogItem(call, row, pics.url)] : [] });
  }
  const filter = filterOf(call);
  // Preliminary logs will get the largest ids: they lead the id-descending list, then the stored ones.
  const waiting = countPreliminary(db, filter);
  const stored = countRecog(db, filter);
  const rows = waiting + stored;
  const page = paging(call, rows);
  const list: (RecogRow | PreliminaryRow)[] =
    page.offset < waiting ? pagePreliminary(db, filter, page.offset, page.size) : [];
  const storedOffset = Math.max(0, page.offset - waiting);
  const room = page.size - list.length;
  if (room > 0 && storedOffset < stored) list.push(...pageRecog(db, filter, storedOffset, room, stored));
  return json({
    rows,
    pages: page.pages,
    pictureCookie: pics.cookie,
    list: list.map((r) => recogItem(call, r, pics.url)),
  });
};

/** Deletes at most the registry's `batch.perCall` (100) matching logs a call, oldest first; `total` is how many matched before. */
const deleteRecogLog: Handler = (call) => {
  const { db } = call.emu;
  const idsText = str(call, 'ids');
  const ids = idsText === undefined ? undefined : idsText.split(',').map((s) => Number(s.trim()));
  const limit = call.ep.batch?.perCall;
  if (limit === undefined) throw new Error(`${call.ep.id}: the registry declares no batch size`);
  const { total, batch } = matchingIds(db, filterOf(call), ids, limit);
  const serial = device(call).serial;
  const cut = takeFailAfter(call, serial);
  if (cut !== undefined && cut < batch.length) {
    deleteRecogIds(db, serial, batch.slice(0, cut));
    return json({
      result: false,
      total,
      deleted: cut,
      message: `ログ ID[${batch[cut]}]について、デバイスとの通信異常により削除に失敗し、処理を中断しました。`,
    });
  }
  deleteRecogIds(db, serial, batch);
  return json({ result: true, total, deleted: batch.length });
};

interface OperateRow {
  id: number;
  time: number;
  user: string;
  main_type: string;
  sub_type: string;
  detail: string;
}

/**
 * Rows `[offset, offset + limit)` of the device's operation logs matching `whereSql`, newest first
 * (time, then id, descending): exactly what `ORDER BY time DESC, id DESC LIMIT limit OFFSET offset`
 * answers, read from the nearest end or from a row remembered from recent pages (page-memo.ts, keyed
 * by `(time, id)`, seeking with a row-value comparison), as recognition-log pages are.
 */
function pageOperate(
  db: Db,
  serial: string,
  whereSql: string,
  args: (string | number)[],
  offset: number,
  limit: number,
  total: number,
): OperateRow[] {
  const take = Math.min(limit, total - offset);
  if (take <= 0) return [];
  const memo = pageMemo<[number, number]>(db, 'operate');
  const shape = `${whereSql}\u0000${JSON.stringify(args)}`;
  const version = logVersion(db, 'operate', serial);
  const start: PageStart<[number, number]> = memo
    ? memo.start(shape, version, total, offset, take)
    : { from: 'first', skip: offset };
  const down = start.from === 'first' || start.from === 'below';
  const dir = down ? 'DESC' : 'ASC';
  const bound =
    start.from === 'below' ? ' AND (time, id) <= (?, ?)' : start.from === 'above' ? ' AND (time, id) >= (?, ?)' : '';
  const boundArgs = start.from === 'below' || start.from === 'above' ? start.key : [];
  const list = stmt(
    db,
    `SELECT * FROM operate_logs WHERE ${whereSql}${bound} ORDER BY time ${dir}, id ${dir} LIMIT ? OFFSET ?`,
  ).all(...args, ...boundArgs, take, start.skip) as OperateRow[];
  if (!down) list.reverse();
  if (memo && list.length === take) {
    memo.note(shape, version, total, offset, [list[0].time, list[0].id]);
    memo.note(shape, version, total, offset + take - 1, [list[take - 1].time, list[take - 1].id]);
  }
  return list;
}

const getOperateLog: Handler = (call) => {
  const { db } = call.emu;
  syncDueOperateLogs(db, device(call).serial);
  const parts = ['serial = ?', 'pending = 0'];
  const args: (string | number)[] = [device(call).serial];
  const from = str(call, 'operateTimeFrom');
  const to = str(call, 'operateTimeTo');
  if (from !== undefined) {
    parts.push('time >= ?');
    args.push(parseWireEpochSeconds(from) ?? 0);
  }
  if (to !== undefined) {
    parts.push('time <= ?');
    args.push(parseWireEpochSeconds(to) ?? 0);
  }
  for (const [param, column] of [
    ['operateUser', 'user'],
    ['mainType', 'main_type'],
    ['subType', 'sub_type'],
  ] as const) {
    const v = str(call, param);
    if (v !== undefined) {
      parts.push(`${column} = ?`);
      args.push(v);
    }
  }
  const whereSql = parts.join(' AND ');
  const rows = (stmt(db, `SELECT COUNT(*) AS n FROM operate_logs WHERE ${whereSql}`).get(...args) as { n: number }).n;
  const page = paging(call, rows);
  const list = pageOperate(db, device(call).serial, whereSql, args, page.offset, page.size, rows);
  return json({
    rows,
    pages: page.pages,
    list: list.map((o) => ({
      operateTime: formatEpochSeconds(o.time),
      operateUser: o.user,
      mainType: o.main_type,
      subType: o.sub_type,
      detail: o.detail,
    })),
  });
};

export const logHandlers = {
  'log.getRecogLog': getRecogLog,
  'log.deleteRecogLog': deleteRecogLog,
  'log.getOperateLog': getOperateLog,
} satisfies HandlerTable;
