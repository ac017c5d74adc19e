/** /person/*PersonType: at most 10 person types, only under an entry/exit-mode contract. */
import type { Call, Handler, HandlerTable } from '../emu.js';
import { abort, json } from '../envelope.js';
import { bumpLogVersion, stmt } from '../store.js';
import { int, str } from './common.js';

const MAX_TYPES = 10;

function requireEntryExitMode(call: Call): void {
  if (!call.emu.settings.entryExitMode) {
    abort(400, 'enter_exit_mode_flag', '入退管理モード以外ではこの APIは実行できません。');
  }
}

/** Codes are strings, as in the document's sample (`"person_type_code": "1"`). */
const getPersonType: Handler = (call) => {
  requireEntryExitMode(call);
  const rows = stmt(call.emu.db, 'SELECT code, name FROM person_types ORDER BY code').all() as {
    code: number;
    name: string;
  }[];
  return json(rows.map((r) => ({ person_type_code: String(r.code), person_type_name: r.name })));
};

const registPersonType: Handler = (call) => {
  requireEntryExitMode(call);
  const { db } = call.emu;
  const name = str(call, 'personTypeName')!;
  const code = int(call, 'personTypeCode');
  if (code !== undefined && stmt(db, 'SELECT 1 FROM person_types WHERE code = ?').get(code)) {
    if (int(call, 'override') !== 1) {
      return json({
        result: false,
        message: `区分コード[${str(call, 'personTypeCode')}]は既に登録されています。上書きする場合は overrideに 1を指定して下さい。`,
      });
    }
    stmt(db, 'UPDATE person_types SET name = ? WHERE code = ?').run(name, code);
    return json({ result: true });
  }
  const count = (stmt(db, 'SELECT COUNT(*) AS n FROM person_types').get() as { n: number }).n;
  if (count >= MAX_TYPES) return json({ result: false, message: `登録上限数「${MAX_TYPES}」に達しています。` });
  const newCode =
    code ?? (stmt(db, 'SELECT COALESCE(MAX(code), 0) + 1 AS n FROM person_types').get() as { n: number }).n;
  stmt(db, 'INSERT INTO person_types (code, name) VALUES (?, ?)').run(newCode, name);
  return json({ result: true });
};

/** Persons and recognition logs of that type lose it; they are not deleted. */
const deletePersonType: Handler = (call) => {
  requireEntryExitMode(call);
  const { db } = call.emu;
  const code = int(call, 'personTypeCode')!;
  const gone = stmt(db, 'DELETE FROM person_types WHERE code = ?').run(code).changes;
  // The code as sent (`0012`, `12.0`), not as read.
  if (!gone) abort(400, 'personTypeCode', `区分コード[${str(call, 'personTypeCode')}]の区分は登録されていません。`);
  stmt(db, 'UPDATE persons SET type_code = NULL WHERE type_code = ?').run(code);
  stmt(db, 'UPDATE recog_logs SET person_type_code = NULL, pass_flag_name = NULL WHERE person_type_code = ?').run(code);
  bumpLogVersion(db, 'recog');
  return json({ result: true });
};

export const personTypeHandlers = {
  'person.getPersonType': getPersonType,
  'person.registPersonType': registPersonType,
  'person.deletePersonType': deletePersonType,
} satisfies HandlerTable;
