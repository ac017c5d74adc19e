/** /person/* that reach a device: getPerson, toDevice, toCloud, the device's list, deletions, pictures. */
import { addOperateLog, NO_SIMILARITY_MODELS } from '../devices.js';
import type { Call, Handler, HandlerTable } from '../emu.js';
import { type Answer, bytes, fail, json, messages } from '../envelope.js';
import { analyse, analyseStored, bestMatch, faceOnDevice, hasFace } from '../face-check.js';
import {
  type AccessTime,
  accessTimesFor,
  associate,
  type Card,
  cardsOf,
  type DevicePersonRow,
  dissociate,
  getDevicePerson,
  getPerson,
  likeContains,
  nextDeviceSeq,
  parseJsonList,
  setAccessTimes,
  setCards,
  upsertPerson,
} from '../persons.js';
import { getPicture, stmt } from '../store.js';
import { device, flag, paging, str, takeFailAfter } from './common.js';

const NOT_ON_DEVICE = '該当の personCodeが存在しません。';

function pictureText(call: Call, id: number | null): string | null {
  if (str(call, 'includePicture') !== '1' || id === null) return null;
  return getPicture(call.emu.db, id)?.toString('base64') ?? null;
}

/** Reads both sides and makes the cloud's `serialNos` agree with what the device really holds. */
const getPerson_: Handler = (call) => {
  const { db } = call.emu;
  const serial = device(call).serial;
  const code = str(call, 'personCode')!;
  const onDevice = getDevicePerson(db, serial, code);
  const cloud = getPerson(db, code);
  if (cloud) {
    if (onDevice) associate(db, code, serial);
    else dissociate(db, code, serial);
  }
  return json({
    device: onDevice
      ? {
          personCode: onDevice.code,
          personName: onDevice.name,
          sex: onDevice.sex,
          birthday: onDevice.birthday,
          picture: pictureText(call, onDevice.picture_id),
          accessTimes: parseJsonList<AccessTime>(onDevice.access_times),
        }
      : null,
    cloud: cloud
      ? {
          personCode: cloud.code,
          personName: cloud.name,
          sex: cloud.sex,
          memo: cloud.memo,
          birthday: cloud.birthday,
          picture: pictureText(call, cloud.picture_id),
          accessTimes: accessTimesFor(db, code, serial),
        }
      : null,
  });
};

function registAnswer(result: boolean, regist: boolean, message: string): Answer {
  return json({ result, regist, message });
}

const toDevice: Handler = async (call) => {
  const { emu } = call;
  const { db } = emu;
  const d = device(call);
  const code = str(call, 'personCode')!;
  const person = getPerson(db, code);
  if (!person) {
    return registAnswer(false, false, '指定された personCodeに該当する人物データがクラウドに登録されていません。');
  }
  if (!person.name) {
    return registAnswer(
      false,
      false,
      '指定された personCodeに該当する人物の personNameが登録されていないため、登録出来ません。',
    );
  }
  const existing = getDevicePerson(db, d.serial, code);
  if (existing && flag(call, 'override', 1) === 0) {
    return registAnswer(
      true,
      false,
      '指定された personCodeに該当する人物データがデバイスに登録されており、尚且つ overrideで 0が指定されているため、登録を取りやめました。',
    );
  }
  const noImage = flag(call, 'noImage', 0) === 1;
  if (noImage && !existing) {
    return registAnswer(
      false,
      false,
      'デバイスに登録されていない人物は、画像データを含めて登録して下さい（noImage=0）。',
    );
  }
  let pictureId = existing?.picture_id ?? null;
  if (!noImage) {
    const probe = person.picture_id === null ? undefined : await analyseStored(emu, person.picture_id);
    if (!probe || !hasFace(probe)) return registAnswer(false, false, messages.badFace);
    if (await faceOnDevice(emu, d.serial, code, person.picture_id!, probe)) {
      return registAnswer(false, false, messages.duplicateFace);
    }
    pictureId = person.picture_id;
  }
  // AI cameras know neither cards nor access windows: those stay in the cloud only.
  const isCamera = d.kind === 'aicamera';
  const accessTimes = isCamera ? [] : accessTimesFor(db, code, d.serial);
  const cards = isCamera ? [] : cardsOf(db, code);
  stmt(
    db,
    `INSERT INTO device_persons (serial, code, seq, name, sex, birthday, picture_id, access_times, cards)
     VALUES (@serial, @code, @seq, @name, @sex, @birthday, @picture_id, @access_times, @cards)
     ON CONFLICT(serial, code) DO UPDATE SET name = excluded.name, sex = excluded.sex, birthday = excluded.birthday,
       picture_id = excluded.picture_id, access_times = excluded.access_times, cards = excluded.cards`,
  ).run({
    serial: d.serial,
    code,
    seq: nextDeviceSeq(db, d.serial),
    name: person.name,
    sex: person.sex ?? 'male',
    birthday: person.birthday ?? '1970/01/01',
    picture_id: pictureId,
    access_times: JSON.stringify(accessTimes),
    cards: JSON.stringify(cards),
  });
  associate(db, code, d.serial);
  addOperateLog(db, d.serial, '人物登録', `personCode:${code}`);
  return registAnswer(true, true, '人物がデバイスに登録されました。');
};

const toCloud: Handler = (call) => {
  const { db, settings } = call.emu;
  const serial = device(call).serial;
  const code = str(call, 'personCode')!;
  const onDevice = getDevicePerson(db, serial, code);
  if (!onDevice) {
    return registAnswer(false, false, '指定された personCodeに該当する人物データがデバイス側に登録されていません。');
  }
  if (getPerson(db, code) && flag(call, 'override', 1) === 0) {
    return registAnswer(
      true,
      false,
      '指定された personCodeに該当する人物データがクラウドに登録されており、尚且つ overrideで 0が指定されているため、登録を取りやめました。',
    );
  }
  db.transaction(() => {
    upsertPerson(db, {
      code,
      name: onDevice.name === null ? null : settings.nameMasking ? '***' : onDevice.name,
      sex: onDevice.sex,
      birthday: onDevice.birthday,
      picture_id: onDevice.picture_id,
    });
    setAccessTimes(db, code, serial, parseJsonList<AccessTime>(onDevice.access_times));
    const cards = parseJsonList<Card>(onDevice.cards);
    if (cards.length) setCards(db, code, cards);
    associate(db, code, serial);
  })();
  return registAnswer(true, true, '人物がクラウドに登録されました。');
};

const getPersonFromDevice: Handler = (call) => {
  const { db } = call.emu;
  const parts = ['serial = ?'];
  const args: (string | number)[] = [device(call).serial];
  for (const [param, column] of [
    ['personCode', 'code'],
    ['personName', 'name'],
  ] as const) {
    const v = str(call, param);
    if (v === undefined) continue;
    parts.push(`${column} LIKE ? ESCAPE '\\'`);
    args.push(likeContains(v));
  }
  const where = parts.join(' AND ');
  const rows = (stmt(db, `SELECT COUNT(*) AS n FROM device_persons WHERE ${where}`).get(...args) as { n: number }).n;
  const page = paging(call, rows);
  const list = stmt(db, `SELECT * FROM device_persons WHERE ${where} ORDER BY seq DESC LIMIT ? OFFSET ?`).all(
    ...args,
    page.size,
    page.offset,
  ) as DevicePersonRow[];
  return json({
    rows,
    pages: page.pages,
    list: list.map((p) => ({
      personCode: p.code,
      personName: p.name,
      sex: p.sex,
      birthday: p.birthday,
      accessTimes: parseJsonList<AccessTime>(p.access_times),
    })),
  });
};

const deletePersonFromDevice: Handler = (call) => {
  const { db } = call.emu;
  const serial = device(call).serial;
  const code = str(call, 'personCode')!;
  const gone = stmt(db, 'DELETE FROM device_persons WHERE serial = ? AND code = ?').run(serial, code).changes;
  if (!gone) return json({ result: false, message: NOT_ON_DEVICE });
  dissociate(db, code, serial);
  addOperateLog(db, serial, '人物削除', `personCode:${code}`);
  return json({ result: true });
};

const clearPersonFromDevice: Handler = (call) => {
  const { db } = call.emu;
  const serial = device(call).serial;
  const codes = (
    stmt(db, 'SELECT code FROM device_persons WHERE serial = ? ORDER BY seq').all(serial) as { code: string }[]
  ).map((r) => r.code);
  const cut = takeFailAfter(call, serial);
  const doomed = cut !== undefined && cut < codes.length ? codes.slice(0, cut) : codes;
  db.transaction(() => {
    const del = stmt(db, 'DELETE FROM device_persons WHERE serial = ? AND code = ?');
    for (const code of doomed) {
      del.run(serial, code);
      dissociate(db, code, serial);
    }
  })();
  addOperateLog(db, serial, '全人物削除', `deleted:${doomed.length}`);
  if (doomed.length < codes.length) {
    return json({
      result: false,
      deleted: doomed.length,
      message: `${doomed.length}件まで削除されましたが、デバイスとの通信異常により削除に失敗し、処理を中断しました。`,
    });
  }
  return json({ result: true });
};

/**
 * The device's camera returns the face in front of it: the picture the operator placed there
 * (`PATCH /_emulator/devices/{serial}` `cameraPicture`), at once; with none, the documented failure.
 */
const capturePersonPicture: Handler = (call) => {
  const d = device(call);
  const data = getPicture(call.emu.db, d.camera_picture);
  if (!data) return json({ result: false, message: '顔画像が取得出来ませんでした。' });
  return bytes(data, 'image/jpeg');
};

const checkSimilarityInDevice: Handler = async (call) => {
  const { emu } = call;
  const d = device(call);
  if (NO_SIMILARITY_MODELS.includes(d.model)) return fail(400, 'device', messages.deviceError(d.serial));
  const probe = await analyse(emu, Buffer.from(str(call, 'picture')!, 'base64'));
  if (!hasFace(probe)) return json({ result: false, message: 'チェック画像に顔が存在しません。' });
  if (probe.faces > 1) return json({ result: false, message: 'チェック画像に顔が複数存在します。' });
  const candidates = stmt(
    emu.db,
    'SELECT code, picture_id FROM device_persons WHERE serial = ? AND picture_id IS NOT NULL ORDER BY seq',
  ).all(d.serial) as { code: string; picture_id: number | null }[];
  const best = await bestMatch(emu, probe, candidates);
  if (!best) return json({ result: false, message: '類似する人物がデバイスに登録されていません。' });
  return json({ result: true, personCode: best.candidate.code, score: best.score });
};

const getPersonPictureFromDevice: Handler = (call) => {
  const p = getDevicePerson(call.emu.db, device(call).serial, str(call, 'personCode')!);
  const data = p ? getPicture(call.emu.db, p.picture_id) : undefined;
  if (!data) return json({ result: false, message: NOT_ON_DEVICE });
  return bytes(data, 'image/jpeg');
};

export const personDeviceHandlers = {
  'person.getPerson': getPerson_,
  'person.toDevice': toDevice,
  'person.toCloud': toCloud,
  'person.getPersonFromDevice': getPersonFromDevice,
  'person.deletePersonFromDevice': deletePersonFromDevice,
  'person.clearPersonFromDevice': clearPersonFromDevice,
  'person.capturePersonPicture': capturePersonPicture,
  'person.checkSimilarityInDevice': checkSimilarityInDevice,
  'person.getPersonPictureFromDevice': getPersonPictureFromDevice,
} satisfies HandlerTable;
