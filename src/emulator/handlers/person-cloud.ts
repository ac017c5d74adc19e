/** /person/* that stay in the cloud: the person list, registration, deletion, access windows, cards. */
import { familyEntries } from '../../core/params/index.js';
import type { Call, Handler, HandlerTable } from '../emu.js';
import { abort, json, messages } from '../envelope.js';
import { analyse, hasFace } from '../face-check.js';
import {
  type AccessTime,
  accessTimesFor,
  type Card,
  cardsOf,
  dissociate,
  getPerson,
  likeFromStar,
  type PersonRow,
  setAccessTimes,
  setCards,
  upsertPerson,
} from '../persons.js';
import { getRecog } from '../recog-logs.js';
import { getPicture, putPicture, stmt } from '../store.js';
import { int, maskName, paging, pictureAccess, str } from './common.js';

export function requirePerson(call: Call): PersonRow {
  const code = str(call, 'personCode') ?? '';
  const p = getPerson(call.emu.db, code);
  if (!p) abort(400, 'personCode', `人物コード[${code}]の人物はクラウドサーバーに登録されていません。`);
  return p;
}

/** The entries of the family `familyName` the call gives, by N ascending (`familyEntries`: the validator's reading). */
export function familyNs(call: Call, familyName: string): number[] {
  return familyEntries(call.ep, call.params, familyName);
}

function typeNameOf(call: Call, code: number | null): string | null {
  if (!call.emu.settings.entryExitMode || code === null) return null;
  const row = stmt(call.emu.db, 'SELECT name FROM person_types WHERE code = ?').get(code) as
    | { name: string }
    | undefined;
  return row?.name ?? null;
}

const getPersonFromCloud: Handler = (call) => {
  const { db } = call.emu;
  const parts: string[] = [];
  const args: (string | number)[] = [];
  for (const [param, column] of [
    ['personCode', 'p.code'],
    ['personName', 'p.name'],
  ] as const) {
    const v = str(call, param);
    if (v === undefined) continue;
    const m = likeFromStar(v);
    parts.push(m.op === '=' ? `${column} = ?` : `${column} LIKE ? ESCAPE '\\'`);
    args.push(m.value);
  }
  const typeCode = int(call, 'personTypeCode');
  if (typeCode !== undefined && call.emu.settings.entryExitMode) {
    parts.push('p.type_code = ?');
    args.push(typeCode);
  }
  const serial = str(call, 'registSerialNo');
  if (serial !== undefined) {
    parts.push('EXISTS (SELECT 1 FROM associations a WHERE a.person_code = p.code AND a.serial = ?)');
    args.push(serial);
  }
  const where = parts.length ? `WHERE ${parts.join(' AND ')}` : '';
  const rows = (stmt(db, `SELECT COUNT(*) AS n FROM persons p ${where}`).get(...args) as { n: number }).n;
  const page = paging(call, rows);
  const list = stmt(
    db,
    `SELECT p.*, (SELECT GROUP_CONCAT(serial, char(9)) FROM (SELECT serial FROM associations a
         WHERE a.person_code = p.code ORDER BY serial)) AS serials,
         (SELECT sha FROM pictures WHERE id = p.picture_id) AS picture_sha
       FROM persons p ${where} ORDER BY p.seq DESC LIMIT ? OFFSET ?`,
  ).all(...args, page.size, page.offset) as (PersonRow & { serials: string | null; picture_sha: string | null })[];
  const pics = pictureAccess(call);
  const { signer, origin } = call.emu;
  return json({
    rows,
    pages: page.pages,
    pictureCookie: pics.cookie,
    list: list.map((p) => ({
      personCode: p.code,
      personName: maskName(call, p.name),
      // One URL per picture content (a CDN object path): the cookie still guards it.
      pictureUrl:
        p.picture_id === null || p.picture_sha === null
          ? pics.url(p.picture_id)
          : signer.stableUrl(origin, p.picture_id, p.picture_sha),
      sex: p.sex,
      memo: p.memo,
      birthday: p.birthday,
      personTypeName: typeNameOf(call, p.type_code),
      serialNos: p.serials ? p.serials.split('\t') : [],
    })),
  });
};

function pictureFromLog(call: Call): number {
  const serial = str(call, 'recogLogSerialNo') ?? '';
  // Messages quote the id as sent; it is read as a number only to look it up (validated: a safe integer).
  const idText = str(call, 'recogLogId') ?? '';
  const log = getRecog(call.emu.db, serial, Number(idText));
  if (!log) abort(400, 'recogLogId', `シリアルNo[${serial}]のログID[${idText}]の認識ログは存在しません。`);
  if (log.picture_id === null || !getPicture(call.emu.db, log.picture_id)) {
    abort(400, 'recogLogId', `ログID[${idText}]の認識ログには顔写真が保存されていません。`);
  }
  return log.picture_id;
}

const registPersonForCloud: Handler = (call) => {
  const { db, settings } = call.emu;
  const code = str(call, 'personCode')!;
  const pictureText = str(call, 'picture');
  const pictureId = pictureText ? putPicture(db, Buffer.from(pictureText, 'base64')) : pictureFromLog(call);
  let typeCode: number | null | undefined;
  const typeParam = int(call, 'personTypeCode');
  if (typeParam !== undefined && settings.entryExitMode) {
    const exists = stmt(db, 'SELECT 1 FROM person_types WHERE code = ?').get(typeParam);
    if (!exists) {
      abort(400, 'personTypeCode', `区分コード[${str(call, 'personTypeCode')}]の区分は登録されていません。`);
    }
    typeCode = typeParam;
  }
  const name = cleared(call, 'personName');
  upsertPerson(db, {
    code,
    name: typeof name === 'string' && settings.nameMasking ? '***' : name,
    sex: cleared(call, 'sex'),
    birthday: cleared(call, 'birthday'),
    memo: cleared(call, 'memo'),
    type_code: typeCode,
    picture_id: pictureId,
  });
  return json({ result: true });
};

/**
 * An optional field as registPersonForCloud stores it: absent → unchanged (undefined), sent empty →
 * null (「必須では無くクラウドには空（null）として保存できます」), otherwise the value.
 */
function cleared(call: Call, name: string): string | null | undefined {
  const v = call.params[name];
  return v === '' ? null : v;
}

/** Physical delete in the cloud; the copies on devices stay. */
const deletePersonFromCloud: Handler = (call) => {
  const { db } = call.emu;
  const p = requirePerson(call);
  db.transaction(() => {
    stmt(db, 'DELETE FROM persons WHERE code = ?').run(p.code);
    stmt(db, 'DELETE FROM access_times WHERE person_code = ?').run(p.code);
    stmt(db, 'DELETE FROM cards WHERE person_code = ?').run(p.code);
    dissociate(db, p.code);
  })();
  return json({ result: true });
};

const deletePersonAssociation: Handler = (call) =>
  json({ deleted: dissociate(call.emu.db, str(call, 'personCode')!, str(call, 'serialNo')) });

const getPersonAcessTimeFromCloud: Handler = (call) => {
  const p = requirePerson(call);
  const serials = stmt(
    call.emu.db,
    'SELECT DISTINCT serial FROM access_times WHERE person_code = ? ORDER BY serial',
  ).all(p.code) as { serial: string }[];
  const out: Record<string, AccessTime[]> = {};
  for (const { serial } of serials) out[serial] = accessTimesFor(call.emu.db, p.code, serial);
  return json(out);
};

const registPersonAcessTimeForCloud: Handler = (call) => {
  const p = requirePerson(call);
  const list = familyNs(call, 'access').map((n) => ({
    accessFlag: Number(call.params[`accessFlag_${n}`]),
    accessTimeFrom: call.params[`accessTimeFrom_${n}`],
    accessTimeTo: call.params[`accessTimeTo_${n}`],
  }));
  setAccessTimes(call.emu.db, p.code, str(call, 'serialNo')!, list);
  return json({ result: true });
};

const registPersonCardInfoForCloud: Handler = (call) => {
  const { db } = call.emu;
  const p = requirePerson(call);
  const list: Card[] = familyNs(call, 'card').map((n) => ({
    card_no: call.params[`card_no_${n}`],
    validityDateFrom: call.params[`validityDateFrom_${n}`],
    validityDateTo: call.params[`validityDateTo_${n}`],
  }));
  for (const c of list) {
    const owner = stmt(db, 'SELECT person_code FROM cards WHERE lower(card_no) = lower(?) AND person_code <> ?').get(
      c.card_no,
      p.code,
    ) as { person_code: string } | undefined;
    if (owner) {
      return json({ result: false, message: `カード番号[${c.card_no}]は既に他の人物に登録されています。` });
    }
  }
  setCards(db, p.code, list);
  return json({ result: true });
};

const getPersonCardInfoFromCloud: Handler = (call) => json({ list: cardsOf(call.emu.db, requirePerson(call).code) });

/** Whether a device could learn the face: a decodable JPEG with at least one face. */
const checkPersonPicture: Handler = async (call) => {
  const probe = await analyse(call.emu, Buffer.from(str(call, 'picture')!, 'base64'));
  if (!hasFace(probe)) return json({ result: false, message: messages.badFace });
  return json({ result: true });
};

export const personCloudHandlers = {
  'person.getPersonFromCloud': getPersonFromCloud,
  'person.registPersonForCloud': registPersonForCloud,
  'person.deletePersonFromCloud': deletePersonFromCloud,
  'person.deletePersonAssociation': deletePersonAssociation,
  'person.getPersonAcessTimeFromCloud': getPersonAcessTimeFromCloud,
  'person.registPersonAcessTimeForCloud': registPersonAcessTimeForCloud,
  'person.registPersonCardInfoForCloud': registPersonCardInfoForCloud,
  'person.getPersonCardInfoFromCloud': getPersonCardInfoFromCloud,
  'person.checkPersonPicture': checkPersonPicture,
} satisfies HandlerTable;
