/**
 * The plan: the file (desired state) against what the cloud and the devices hold, person by
 * person. Pure: everything it needs has been read already, so it is tested without a network.
 *
 * Rules (docs/sync.md):
 * - a row whose person the cloud lacks is created: registration, its access windows and cards,
 *   then toDevice on each of its devices;
 * - a row whose person exists is updated when a field the row gives differs (personName, sex,
 *   birthday, memo, personTypeCode, and the picture by SHA-256 of its bytes); a field the row
 *   leaves empty is not managed; access windows (per device) and cards are compared when the row
 *   gives them;
 * - a changed person is sent again to each of its devices (their copy is stale); an unchanged one
 *   only to devices that do not hold it, or whose toDevice a killed run left undone (journal);
 * - devices holding a person that the row does not name lose it (`--prune`), and so do all devices
 *   for persons of the scope that are not in the file; those persons are deleted from the cloud
 *   with `--prune-cloud` (unless a device outside the scope still holds them).
 */
import type { PersonRow } from '../import/types.js';
import { accessKeys, cardKeys } from './read-state.js';
import type { CloudPerson } from './types.js';

export type PlanAction = 'create' | 'update' | 'send' | 'remove' | 'delete';

/** What sync will do to one person. Lists are device serials. */
export interface PersonPlan {
  personCode: string;
  /** Spreadsheet row (absent for persons only in the cloud or on devices). */
  row?: number;
  action: PlanAction;
  /** Changed fields: personName, sex, birthday, memo, personTypeCode, picture, cards, access@SERIAL. */
  changes: string[];
  regist: boolean;
  access: string[];
  cards: boolean;
  toDevice: string[];
  removeFrom: string[];
  deleteFromCloud: boolean;
}

export interface SyncPlan {
  scope: string;
  /** Persons with something to do, file order first, then the others by personCode. */
  persons: PersonPlan[];
  counts: {
    create: number;
    update: number;
    send: number;
    remove: number;
    delete: number;
    unchanged: number;
    toDevice: number;
    removeFromDevice: number;
  };
  /** Persons of the scope absent from the file, left alone because --prune/--prune-cloud was not given. */
  notInFile: string[];
  /** Devices that could not be read (--check-devices): the cloud's belief was used for them. */
  unreachable: { serialNo: string; message: string }[];
}

export interface PlanInput {
  rows: readonly PersonRow[];
  /** Cloud persons in the scope (and any row's person, in or out of it). */
  cloud: ReadonlyMap<string, CloudPerson>;
  /** SHA-256 of the bytes a row's picture sends (after --fix-pictures), by personCode. */
  pictureSha256: ReadonlyMap<string, string>;
  /** Cloud access windows per device, for rows that give access windows. */
  access: ReadonlyMap<string, ReadonlyMap<string, string[]>>;
  /** Cloud cards, for rows that give cards. */
  cards: ReadonlyMap<string, string[]>;
  /** Person type code → name (for rows giving personTypeCode). */
  typeNames: ReadonlyMap<string, string>;
  /** What the devices actually hold (--check-devices), per serial; other devices use the cloud's belief. */
  devices: ReadonlyMap<string, ReadonlySet<string>>;
  /** Devices removals may touch: the scope's, or every device of the contract. */
  scopeDevices: ReadonlySet<string>;
  /** Persons of the scope (cloud, plus persons found on scope devices) that the file may remove. */
  inScope: ReadonlySet<string>;
  /** A toDevice the journal shows a previous run still owes (killed, or the device failed). */
  pendingToDevice: (row: PersonRow, serial: string) => boolean;
  prune: boolean;
  pruneCloud: boolean;
  scope: string;
  unreachable: SyncPlan['unreachable'];
}

const FIELDS = ['personName', 'sex', 'birthday', 'memo'] as const;

function holders(input: PlanInput, code: string): Set<string> {
  const cloud = input.cloud.get(code);
  const out = new Set<string>();
  for (const s of cloud?.serialNos ?? []) if (!input.devices.has(s)) out.add(s);
  for (const [serial, codes] of input.devices) if (codes.has(code)) out.add(serial);
  return out;
}

function wireAccessKeys(access: Record<string, string>): string[] {
  const ns = Object.keys(access)
    .map((k) => /^accessFlag_(\d+)$/.exec(k)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  return accessKeys(
    ns.map((n) => ({
      accessFlag: access[`accessFlag_${n}`],
      accessTimeFrom: access[`accessTimeFrom_${n}`],
      accessTimeTo: access[`accessTimeTo_${n}`],
    })),
  );
}

function wireCardKeys(cards: Record<string, string>): string[] {
  const ns = Object.keys(cards)
    .map((k) => /^card_no_(\d+)$/.exec(k)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  return cardKeys(
    ns.map((n) => ({
      card_no: cards[`card_no_${n}`],
      validityDateFrom: cards[`validityDateFrom_${n}`],
      validityDateTo: cards[`validityDateTo_${n}`],
    })),
  );
}

function same(a: readonly string[] | undefined, b: readonly string[]): boolean {
  return !!a && a.length === b.length && a.every((x, i) => x === b[i]);
}

function rowPlan(input: PlanInput, row: PersonRow): PersonPlan {
  const code = row.personCode;
  const cloud = input.cloud.get(code);
  const held = holders(input, code);
  const removeFrom = input.prune ? [...held].filter((s) => input.scopeDevices.has(s) && !row.serials.includes(s)) : [];
  const plan: PersonPlan = {
    personCode: code,
    row: row.row,
    action: 'create',
    changes: [],
    regist: true,
    access: row.access ? [...row.serials] : [],
    cards: !!row.cards,
    toDevice: [...row.serials],
    removeFrom,
    deleteFromCloud: false,
  };
  if (!cloud) return plan;

  const changes: string[] = [];
  for (const f of FIELDS) {
    const want = row.person[f];
    if (want !== undefined && want !== (cloud[f] ?? '')) changes.push(f);
  }
  const type = row.person.personTypeCode;
  if (type !== undefined && input.typeNames.get(type) !== cloud.personTypeName) changes.push('personTypeCode');
  if (row.picture && input.pictureSha256.get(code) !== cloud.pictureSha256) changes.push('picture');
  const regist = changes.length > 0;
  const access: string[] = [];
  if (row.access) {
    const want = wireAccessKeys(row.access);
    const have = input.access.get(code);
    for (const s of row.serials) {
      if (!same(have?.get(s), want)) {
        access.push(s);
        changes.push(`access@${s}`);
      }
    }
  }
  const cards = !!row.cards && !same(input.cards.get(code), wireCardKeys(row.cards));
  if (cards) changes.push('cards');
  const changed = regist || cards;
  const toDevice = row.serials.filter(
    (s) => changed || access.includes(s) || !held.has(s) || input.pendingToDevice(row, s),
  );
  const action: PlanAction = changes.length > 0 ? 'update' : toDevice.length > 0 ? 'send' : 'remove';
  return { ...plan, action, changes, regist, access, cards, toDevice };
}

function hasWork(p: PersonPlan): boolean {
  return (
    p.regist || p.cards || p.access.length > 0 || p.toDevice.length > 0 || p.removeFrom.length > 0 || p.deleteFromCloud
  );
}

/** The plan (see the module comment for the rules). */
export function computePlan(input: PlanInput): SyncPlan {
  const persons: PersonPlan[] = [];
  const inFile = new Set<string>();
  let unchanged = 0;
  for (const row of input.rows) {
    inFile.add(row.personCode);
    const p = rowPlan(input, row);
    if (hasWork(p)) persons.push(p);
    else unchanged++;
  }
  const notInFile: string[] = [];
  for (const code of [...input.inScope].sort()) {
    if (inFile.has(code)) continue;
    if (!input.prune && !input.pruneCloud) {
      notInFile.push(code);
      continue;
    }
    const held = holders(input, code);
    const inside = [...held].filter((s) => input.scopeDevices.has(s));
    const outside = held.size - inside.length;
    const removeFrom = input.prune || input.pruneCloud ? inside : [];
    const deleteFromCloud = input.pruneCloud && input.cloud.has(code) && outside === 0;
    const p: PersonPlan = {
      personCode: code,
      action: deleteFromCloud ? 'delete' : 'remove',
      changes: [],
      regist: false,
      access: [],
      cards: false,
      toDevice: [],
      removeFrom: input.prune || deleteFromCloud ? removeFrom : [],
      deleteFromCloud,
    };
    if (hasWork(p)) persons.push(p);
    else notInFile.push(code);
  }
  const counts = {
    create: 0,
    update: 0,
    send: 0,
    remove: 0,
    delete: 0,
    unchanged,
    toDevice: 0,
    removeFromDevice: 0,
  };
  for (const p of persons) {
    counts[p.action]++;
    counts.toDevice += p.toDevice.length;
    counts.removeFromDevice += p.removeFrom.length;
  }
  return { scope: input.scope, persons, counts, notInFile, unreachable: input.unreachable };
}

/** Whether applying the plan would change anything (`--detailed-exitcode`). */
export function planHasChanges(plan: SyncPlan): boolean {
  return plan.persons.length > 0;
}
