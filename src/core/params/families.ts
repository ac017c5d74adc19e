/**
 * Indexed families (`accessFlag_N`/`accessTimeFrom_N`/`accessTimeTo_N`, `card_no_N`…; `FamilyDef` in
 * src/registry/types.ts): which wire names belong to one, the checks of their entries (the key member
 * first, the others only with it; `interval` windows inside their bounds, in order and without
 * overlaps), and the CLI form `--access 'FLAG,FROM,TO'` split into members.
 */

import type { EndpointDef, FamilyDef } from '../../registry/types.js';
import type { Sink, WireParams } from './checks.js';
import { issue, type ParamIssue } from './messages.js';
import { type Clock, checkValue, coerceValue } from './types.js';

/** `field_N` with N in digits, however written: group 2 is N as sent (`accessFlag_001` → `001`). */
const FAMILY_MEMBER = /^(.+)_(\d+)$/;
/** N as the document numbers entries (「[N]の部分には 1 を起算とする連番を指定します」): 1, 2, …, no leading zero. */
const CANONICAL_N = /^[1-9]\d*$/;

export interface FamilyMember {
  family: FamilyDef;
  /** Index of the member in `family.fields`. */
  field: number;
  /** N, from 1 (meaningful only when `valid`). */
  n: number;
  /** N as written in the wire name (`1`, `0`, `01`). */
  index: string;
  /**
   * N is written as the document numbers entries: 1, 2, 3… without a leading zero. `accessFlag_0` and
   * `accessFlag_01` are members of no entry: `validateWire` refuses them (`familyIndex`), so they can
   * neither slip past the checks nor be read as another entry.
   */
  valid: boolean;
}

const familyFieldCache = new WeakMap<EndpointDef, Map<string, { family: FamilyDef; field: number }>>();

function familyFields(ep: EndpointDef): Map<string, { family: FamilyDef; field: number }> {
  let map = familyFieldCache.get(ep);
  if (!map) {
    map = new Map();
    for (const family of ep.families ?? []) {
      for (let field = 0; field < family.fields.length; field++) map.set(family.fields[field].name, { family, field });
    }
    familyFieldCache.set(ep, map);
  }
  return map;
}

/**
 * `accessTimeFrom_3` → its family, field index and N; undefined for anything that is not a family
 * field followed by `_` and digits. `accessTimeFrom_0` and `accessTimeFrom_03` are members with
 * `valid: false` (see `FamilyMember.valid`). The one reading of family names: the validator, the
 * importer's columns and the emulator's handlers (`familyEntries`) all go through it.
 */
export function familyMemberOf(ep: EndpointDef, wireName: string): FamilyMember | undefined {
  if (!ep.families) return undefined;
  const m = FAMILY_MEMBER.exec(wireName);
  if (!m) return undefined;
  const f = familyFields(ep).get(m[1]);
  if (!f) return undefined;
  const valid = CANONICAL_N.test(m[2]);
  return { ...f, n: valid ? Number(m[2]) : Number.NaN, index: m[2], valid };
}

/** The issue of a member whose N is not 1, 2, 3… (`accessFlag_0`, `card_no_01`), named after it. */
export function badIndexIssue(member: FamilyMember, wireName: string): ParamIssue {
  return issue(wireName, 'familyIndex', {
    name: wireName,
    index: member.index,
    label: member.family.fields[member.field].def.label,
  });
}

/**
 * The entries of the family `familyName` that `wire` gives, as the cloud reads them: the N (1…max,
 * ascending) of every entry whose key member (`accessFlag_N`, `card_no_N`) is non-empty. For a wire
 * `validateWire` accepted, so these are 1…k without gaps. The emulator's handlers store exactly these.
 *
 * @throws Error when the endpoint declares no such family (a programming error).
 */
export function familyEntries(ep: EndpointDef, wire: WireParams, familyName: string): number[] {
  const family = ep.families?.find((f) => f.name === familyName);
  if (!family) throw new Error(`${ep.id} has no family ${familyName}`);
  const ns: number[] = [];
  for (const name in wire) {
    if (wire[name] === '') continue;
    const m = familyMemberOf(ep, name);
    if (m?.valid && m.family === family && m.field === 0 && m.n <= family.max) ns.push(m.n);
  }
  return ns.sort((a, b) => a - b);
}

/** The issue of an entry past `family.max`, named after `wireName`, the first of its members met. */
export function surplusIssue(member: FamilyMember, wireName: string): ParamIssue {
  const { family } = member;
  return issue(wireName, 'familyTooMany', {
    family: family.name,
    max: family.max,
    reason: family.beyondMax.reason,
    label: family.fields[member.field].def.label,
  });
}

/**
 * Checks the entries `present` (their N, all ≤ max) of one family in `wire`: numbering (an entry with
 * a value needs every entry before it: 「1 を起算とする連番」, one `familyGap` issue naming the first entry
 * after a gap), the key member first, the others only with it, each value, then the intervals.
 */
export function checkFamily(family: FamilyDef, wire: WireParams, present: Set<number>, out: Sink): void {
  const key = family.fields[0];
  const entries: { n: number; from?: string; to?: string }[] = [];
  const ns = [...present].sort((a, b) => a - b);
  checkNumbering(family, wire, ns, out);
  for (const n of ns) {
    const keyName = `${key.name}_${n}`;
    const keyGiven = (wire[keyName] ?? '') !== '';
    let valid = true;
    for (const f of family.fields) {
      const name = `${f.name}_${n}`;
      const v = wire[name];
      if (v === undefined || v === '') {
        if (keyGiven && f !== key) {
          valid = false;
          out.push(issue(name, 'requiredWithKey', { label: f.def.label, name, key: keyName }));
        }
        continue;
      }
      if (!keyGiven) {
        valid = false;
        out.push(issue(name, 'needsKey', { key: keyName, keyLabel: key.def.label }));
        continue;
      }
      const before = out.length;
      checkValue(name, f.def, v, out);
      if (out.length !== before) valid = false;
    }
    if (valid && keyGiven && family.interval) {
      entries.push({ n, from: wire[`${family.interval.from}_${n}`], to: wire[`${family.interval.to}_${n}`] });
    }
  }
  if (family.interval) checkIntervals(family, entries, out);
}

/** Whether entry `n` has a value in any of its members. */
function entryGiven(family: FamilyDef, wire: WireParams, n: number): boolean {
  return family.fields.some((f) => (wire[`${f.name}_${n}`] ?? '') !== '');
}

/**
 * 「[N]の部分には 1 を起算とする連番を指定します」: the entries with a value are 1, 2, … k. The first entry
 * after a missing one is refused, naming the missing key (`accessFlag_2` given, `accessFlag_1` not).
 */
function checkNumbering(family: FamilyDef, wire: WireParams, ns: number[], out: Sink): void {
  const given = ns.filter((n) => entryGiven(family, wire, n));
  for (let i = 0; i < given.length; i++) {
    const expected = i + 1;
    if (given[i] === expected) continue;
    const at = family.fields.find((f) => (wire[`${f.name}_${given[i]}`] ?? '') !== '') ?? family.fields[0];
    const name = `${at.name}_${given[i]}`;
    out.push(issue(name, 'familyGap', { name, missing: `${family.fields[0].name}_${expected}`, n: given[i] }));
    return;
  }
}

/** Wire dates and datetimes are fixed-width, so string order is time order. */
function checkIntervals(family: FamilyDef, entries: { n: number; from?: string; to?: string }[], out: Sink): void {
  const iv = family.interval!;
  const fromDef = family.fields.find((f) => f.name === iv.from)!.def;
  const toDef = family.fields.find((f) => f.name === iv.to)!.def;
  const ordered: { n: number; from: string; to: string }[] = [];
  for (const e of entries) {
    if (!e.from || !e.to) continue;
    const fromName = `${iv.from}_${e.n}`;
    const toName = `${iv.to}_${e.n}`;
    let ok = true;
    for (const [name, value, def] of [
      [fromName, e.from, fromDef],
      [toName, e.to, toDef],
    ] as const) {
      if ((iv.min !== undefined && value < iv.min) || (iv.max !== undefined && value > iv.max)) {
        ok = false;
        out.push(issue(name, 'outOfRange', { label: def.label, min: iv.min, max: iv.max, value }));
      }
    }
    if (e.from > e.to) {
      ok = false;
      out.push(
        issue(fromName, 'fromAfterTo', {
          from: { label: fromDef.label, name: fromName },
          to: { label: toDef.label, name: toName },
          fromValue: e.from,
          toValue: e.to,
        }),
      );
    }
    if (ok) ordered.push({ n: e.n, from: e.from, to: e.to });
  }
  if (!iv.noOverlap || ordered.length < 2) return;
  ordered.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  // Compare with the latest end so far, so that a long window is seen to cover several later ones.
  let reach = ordered[0];
  for (let i = 1; i < ordered.length; i++) {
    const cur = ordered[i];
    // Inclusive windows that merely touch (one ends when the next starts) are not an overlap.
    if (cur.from < reach.to) {
      const name = `${iv.from}_${cur.n}`;
      out.push(
        issue(name, 'overlap', {
          n: cur.n,
          range: `${cur.from}–${cur.to}`,
          other: reach.n,
          otherRange: `${reach.from}–${reach.to}`,
          names: [`${iv.from}_${reach.n}`, name],
        }),
      );
    }
    if (cur.to > reach.to) reach = cur;
  }
}

/** Splits 'a,b,c' into at most `count` parts; the last part keeps any further commas. */
function splitFamilyEntry(entry: string, count: number): string[] {
  const parts: string[] = [];
  let rest = entry;
  while (parts.length < count - 1) {
    const i = rest.indexOf(',');
    if (i < 0) break;
    parts.push(rest.slice(0, i).trim());
    rest = rest.slice(i + 1);
  }
  parts.push(rest.trim());
  return parts;
}

/**
 * The CLI/CSV form of a family (one entry or an array of them, each 'a,b,c' in `fields` order) →
 * members `${field}_${N}` in `wire`, N from 1. An entry with too few parts is an issue naming the
 * family's `cliFormat`.
 */
export function coerceFamily(family: FamilyDef, value: unknown, clock: Clock, wire: WireParams, out: Sink): void {
  const entries = Array.isArray(value) ? value : [value];
  entries.forEach((entry, i) => {
    const n = i + 1;
    const parts = splitFamilyEntry(String(entry), family.fields.length);
    if (parts.length !== family.fields.length) {
      out.push(
        issue(`${family.name}_${n}`, 'familyEntryForm', {
          n,
          cliFormat: family.cliFormat,
          entry: String(entry),
          description: family.description,
        }),
      );
      return;
    }
    family.fields.forEach((f, k) => {
      const v = coerceValue(f.def, parts[k], clock);
      if (v !== undefined && v !== '') wire[`${f.name}_${n}`] = v;
    });
  });
}
