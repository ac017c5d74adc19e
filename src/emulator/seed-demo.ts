/**
 * `--seed demo`: a small site so that every command shows something: five devices (an offline
 * terminal, a TTCX1100, an AI camera, two APB gates), a dozen persons with pictures, access windows,
 * cards and types, thousands of recognition and operation logs over the past week, a few logs still
 * waiting for /device/sync, and APB failures to repair.
 */

import { epochSecondsNow, formatEpochSeconds } from '../core/dates.js';
import { asset } from './assets.js';
import { createDevice } from './devices.js';
import type { Emu } from './emu.js';
import { associate, setAccessTimes, setCards, upsertPerson } from './persons.js';
import { insertRecogBulk } from './recog-logs.js';
import { bumpLogVersion, putPicture, stmt } from './store.js';

const DEVICES = [
  { serialNo: '7L11R010014', model: 'TACX1270', description: '1F西側ゲート', apb: true },
  { serialNo: '7L11R010015', model: 'TACX1250', description: '1F東側ゲート', apb: true },
  { serialNo: '7L11R010016', model: 'TTCX1100', description: '2Fエレベーター横' },
  { serialNo: '7L11R010017', model: '5MA0721-E-JD05', description: '倉庫入口', online: false },
  { serialNo: 'AC00000001', kind: 'aicamera' as const, description: '駐車場AIカメラ' },
];

const PERSONS: [code: string, name: string, sex: 'male' | 'female', birthday: string, type: number | null][] = [
  ['F00001', '山田 太郎', 'male', '1980/12/05', 1],
  ['F00002', '佐藤 花子', 'female', '1985/04/12', 1],
  ['F00003', '鈴木 一郎', 'male', '1979/01/30', 1],
  ['F00004', '高橋 美咲', 'female', '1992/07/08', 1],
  ['F00005', '田中 健', 'male', '1988/11/21', 1],
  ['F00006', '伊藤 直子', 'female', '1990/02/14', 2],
  ['F00007', '渡辺 翔', 'male', '1995/09/03', 2],
  ['F00008', '中村 由美', 'female', '1983/06/17', 3],
  ['F00009', '小林 大輔', 'male', '1976/03/25', null],
  ['F00010', '加藤 さくら', 'female', '1998/12/01', null],
  ['V00001', '来客 A', 'male', '1970/01/01', 2],
  ['V00002', '来客 B', 'female', '1970/01/01', 2],
];

const TYPES: [number, string][] = [
  [1, '社員'],
  [2, '来客'],
  [3, '清掃'],
];

const OPERATIONS: [user: string, main: string, sub: string, detail: string][] = [
  ['admin', '操作', 'ユーザーログイン', 'ClientType:Web,RemoteIP:192.168.1.20'],
  ['System', '操作', '起動', ''],
  ['admin', '操作', '設定変更', 'deviceAudioVolume'],
  ['admin', '操作', 'ユーザーログアウト', 'ClientType:Web,RemoteIP:192.168.1.20'],
  ['System', '操作', '時刻同期', 'ntp.nict.jp'],
  ['System', 'アラーム', 'ドア開放タイムアウト', ''],
];

const DAY = 86400;

export async function seedDemo(emu: Emu): Promise<void> {
  const { db } = emu;
  const faces = [putPicture(db, asset('face-astronaut.jpg')), putPicture(db, asset('face-cameraman.jpg'))];
  db.transaction(() => {
    for (const d of DEVICES) createDevice(db, d);
    for (const [code, name] of TYPES) stmt(db, 'INSERT INTO person_types (code, name) VALUES (?, ?)').run(code, name);
    PERSONS.forEach(([code, name, sex, birthday, type], i) => {
      upsertPerson(db, {
        code,
        name: emu.settings.nameMasking ? '***' : name,
        sex,
        birthday,
        memo: i < 10 ? '社員' : '来客用',
        type_code: type,
        picture_id: faces[i % 2],
      });
    });
    seedDevicePersons(emu, faces);
    seedAccessAndCards(emu);
    seedLogs(emu, faces);
    stmt(db, 'UPDATE devices SET camera_picture = ? WHERE serial = ?').run(faces[0], '7L11R010014');
    stmt(db, 'INSERT INTO apb_failures (serial, person_code, tries) VALUES (?, ?, ?)').run('7L11R010015', 'F00003', 1);
    stmt(db, 'INSERT INTO apb_failures (serial, person_code, tries) VALUES (?, ?, ?)').run('7L11R010014', 'F00001', 0);
  })();
}

/**
 * Who sits on which device. We have only two distinct real faces (astronaut for F00001, F00003, …;
 * cameraman for F00002, F00004, …), and toDevice refuses a face the device already holds under another
 * personCode, so each device holds at most one person per face: re-pushing a device's own persons
 * works, pushing a look-alike onto a device that holds its twin is refused.
 */
const ON_DEVICE: Record<string, string[]> = {
  '7L11R010014': ['F00001', 'F00002'],
  '7L11R010015': ['F00003', 'F00004'],
  // X0001 (cameraman) joins below, registered on the device only.
  '7L11R010016': ['F00005'],
  '7L11R010017': ['F00009', 'F00010'],
  AC00000001: ['F00007', 'F00008'],
};

function seedDevicePersons(emu: Emu, faces: number[]): void {
  const { db } = emu;
  const place = stmt(
    db,
    `INSERT INTO device_persons (serial, code, seq, name, sex, birthday, picture_id, access_times, cards)
     SELECT ?, code, ?, name, COALESCE(sex, 'male'), COALESCE(birthday, '1970/01/01'), picture_id, '[]', '[]'
     FROM persons WHERE code = ?`,
  );
  for (const [serial, codes] of Object.entries(ON_DEVICE)) {
    codes.forEach((code, i) => {
      place.run(serial, i + 1, code);
      associate(db, code, serial);
    });
  }
  // One person registered on the device directly, unknown to the cloud (for `person to-cloud`).
  stmt(
    db,
    `INSERT INTO device_persons (serial, code, seq, name, sex, birthday, picture_id, access_times, cards)
     VALUES ('7L11R010016', 'X0001', 2, 'デバイス 花子', 'female', '1970/01/01', ?, '[]', '[]')`,
  ).run(faces[1]);
}

function seedAccessAndCards(emu: Emu): void {
  const { db } = emu;
  const year = formatEpochSeconds(epochSecondsNow()).slice(0, 4);
  setAccessTimes(db, 'F00002', '7L11R010014', [
    { accessFlag: 1, accessTimeFrom: `${year}/01/01 08:00:00`, accessTimeTo: `${year}/12/31 20:00:00` },
  ]);
  setAccessTimes(db, 'F00004', '7L11R010015', [
    { accessFlag: 1, accessTimeFrom: `${year}/01/01 08:00:00`, accessTimeTo: `${year}/12/31 20:00:00` },
  ]);
  for (const serial of ['7L11R010014', '7L11R010015']) {
    setAccessTimes(db, 'V00001', serial, [
      { accessFlag: 1, accessTimeFrom: `${year}/04/01 09:00:00`, accessTimeTo: `${year}/04/01 18:00:00` },
      { accessFlag: 0, accessTimeFrom: `${year}/04/02 00:00:00`, accessTimeTo: `2099/12/31 23:59:59` },
    ]);
  }
  setCards(db, 'F00001', [
    { card_no: '0123456789ABCDEF', validityDateFrom: `${year}/01/01`, validityDateTo: `${year + 1}/03/31` },
  ]);
  setCards(db, 'F00002', [
    { card_no: '12345678901234567890', validityDateFrom: `${year}/01/01`, validityDateTo: `${year + 1}/03/31` },
    { card_no: 'ABCDEF01', validityDateFrom: `${year}/01/01`, validityDateTo: `${year}/12/31` },
  ]);
  // Device copies of the windows, as toDevice would have made them.
  for (const serial of ['7L11R010014', '7L11R010015']) {
    stmt(
      db,
      `UPDATE device_persons SET access_times = (SELECT json_group_array(json_object('accessFlag', flag,
         'accessTimeFrom', from_t, 'accessTimeTo', to_t)) FROM access_times WHERE person_code = device_persons.code
         AND serial = device_persons.serial) WHERE serial = ? AND code IN ('F00002', 'F00004')`,
    ).run(serial);
  }
}

function seedLogs(emu: Emu, faces: number[]): void {
  const { db } = emu;
  const end = epochSecondsNow();
  const types = new Map(TYPES);
  const personType = new Map(PERSONS.map((p) => [p[0], p[4]]));
  const perDevice: Record<string, number> = {
    '7L11R010014': 3000,
    '7L11R010015': 2500,
    '7L11R010016': 1500,
    '7L11R010017': 800,
    AC00000001: 1200,
  };
  for (const [serial, count] of Object.entries(perDevice)) {
    const people = (
      stmt(db, 'SELECT code, name, picture_id FROM device_persons WHERE serial = ? ORDER BY seq').all(serial) as {
        code: string;
        name: string;
        picture_id: number;
      }[]
    ).filter((p) => p.code !== 'X0001');
    const span = 7 * DAY - 3600;
    // The offline terminal stopped talking a day ago.
    const stop = serial === '7L11R010017' ? end - DAY : end - 60;
    insertRecogBulk(db, serial, count, (i) => {
      const who = i % 7 === 6 ? undefined : people[(i * 5) % people.length];
      const type = who ? (personType.get(who.code) ?? null) : null;
      // Only F00001 holds the card 0123456789ABCDEF (and AI cameras read no cards).
      const card = who?.code === 'F00001' && i % 11 === 0 && serial !== 'AC00000001';
      return {
        serial,
        time: stop - span + Math.floor((i * span) / count),
        person_code: who?.code ?? null,
        person_name: who?.name ?? null,
        picture_id: who?.picture_id ?? faces[i % 2],
        mask: i % 3,
        temp: serial === 'AC00000001' || i % 13 === 0 ? null : Math.round((35.8 + (i % 12) / 10) * 10) / 10,
        pass: who ? 1 : 0,
        score: who ? Math.round((88 + (i % 110) / 10) * 10) / 10 : Math.round((30 + (i % 200) / 10) * 10) / 10,
        pass_flag_name: type === null ? null : (types.get(type) ?? null),
        access_type: card ? 'FaceAndCard' : 'Face',
        card_no: card ? '0123456789ABCDEF' : null,
        card_type: card ? '1' : null,
        card_bind_code: card ? who.code : null,
        card_bind_name: card ? who.name : null,
        person_type_code: type,
      };
    });
    const ops = stmt(
      db,
      'INSERT INTO operate_logs (serial, time, user, main_type, sub_type, detail, pending) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const opCount = 400;
    for (let i = 0; i < opCount; i++) {
      const [user, main, sub, detail] = OPERATIONS[(i * 7) % OPERATIONS.length];
      ops.run(serial, stop - span + Math.floor((i * span) / opCount), user, main, sub, detail, 0);
    }
    bumpLogVersion(db, 'operate', serial);
    // Not yet synchronised: visible after /device/sync.
    if (serial === '7L11R010014') {
      insertRecogBulk(
        db,
        serial,
        15,
        (i) => ({
          serial,
          time: end - 50 + i,
          person_code: people[i % people.length].code,
          person_name: people[i % people.length].name,
          picture_id: people[i % people.length].picture_id,
          mask: 2,
          temp: 36.4,
          pass: 1,
          score: 96.5,
          pass_flag_name: null,
          access_type: 'Face',
          card_no: null,
          card_type: null,
          card_bind_code: null,
          card_bind_name: null,
          person_type_code: null,
        }),
        true,
      );
      for (let i = 0; i < 23; i++) ops.run(serial, end - 40 + i, 'System', '操作', '時刻同期', '', 1);
    }
  }
  stmt(db, 'UPDATE devices SET last_access = ? WHERE serial = ?').run(end - DAY, '7L11R010017');
  emu.log(`emulator: demo seed ready (${formatEpochSeconds(end)})`);
}
