/** The plan's rules, without a network: what is created, updated, sent, moved, pruned and kept. */
import { describe, expect, it } from 'vitest';
import type { PersonRow } from '../../../src/workflows/import/types.js';
import { computePlan, type PlanInput, planHasChanges } from '../../../src/workflows/sync/plan.js';
import type { CloudPerson } from '../../../src/workflows/sync/types.js';

function row(code: string, serials: string[], more: Partial<PersonRow> = {}): PersonRow {
  return {
    row: 2,
    personCode: code,
    person: { personCode: code, personName: `name ${code}` },
    serials,
    rowHash: 'h',
    ...more,
  };
}

function cloud(code: string, serialNos: string[], more: Partial<CloudPerson> = {}): CloudPerson {
  return {
    personCode: code,
    personName: `name ${code}`,
    sex: 'male',
    birthday: '1970/01/01',
    memo: null,
    personTypeName: null,
    serialNos,
    ...more,
  };
}

function input(more: Partial<PlanInput>): PlanInput {
  return {
    rows: [],
    cloud: new Map(),
    pictureSha256: new Map(),
    access: new Map(),
    cards: new Map(),
    typeNames: new Map(),
    devices: new Map(),
    scopeDevices: new Set(['A', 'B', 'C']),
    inScope: new Set(),
    pendingToDevice: () => false,
    prune: false,
    pruneCloud: false,
    scope: 'all persons',
    unreachable: [],
    ...more,
  };
}

const cloudOf = (...people: CloudPerson[]) => new Map(people.map((p) => [p.personCode, p]));

describe('computePlan', () => {
  it('creates a new person everywhere the row says, with its windows', () => {
    const plan = computePlan(input({ rows: [row('N', ['A', 'B'], { access: { accessFlag_1: '1' } })] }));
    expect(plan.persons[0]).toMatchObject({ action: 'create', regist: true, access: ['A', 'B'], toDevice: ['A', 'B'] });
  });

  it('plans nothing for a person that matches, and sends only where it is missing', () => {
    const same = computePlan(input({ rows: [row('S', ['A'])], cloud: cloudOf(cloud('S', ['A'])) }));
    expect(planHasChanges(same)).toBe(false);
    expect(same.counts.unchanged).toBe(1);
    const missing = computePlan(input({ rows: [row('S', ['A', 'B'])], cloud: cloudOf(cloud('S', ['A'])) }));
    expect(missing.persons[0]).toMatchObject({ action: 'send', regist: false, toDevice: ['B'] });
  });

  it('compares pictures by content hash and re-sends a changed person to all its devices', () => {
    const rows = [row('P', ['A', 'B'], { picture: { path: '/x', written: 'x', sha256: 'new', fixed: false } })];
    const plan = computePlan(
      input({
        rows,
        cloud: cloudOf(cloud('P', ['A', 'B'], { pictureSha256: 'old' })),
        pictureSha256: new Map([['P', 'new']]),
      }),
    );
    expect(plan.persons[0]).toMatchObject({ action: 'update', changes: ['picture'], toDevice: ['A', 'B'] });
    const same = computePlan(
      input({
        rows,
        cloud: cloudOf(cloud('P', ['A', 'B'], { pictureSha256: 'new' })),
        pictureSha256: new Map([['P', 'new']]),
      }),
    );
    expect(same.persons).toEqual([]);
  });

  it('leaves fields the row does not give alone', () => {
    const plan = computePlan(input({ rows: [row('M', ['A'])], cloud: cloudOf(cloud('M', ['A'], { memo: 'kept' })) }));
    expect(plan.persons).toEqual([]);
  });

  it('moves a person only with --prune, and only on scope devices', () => {
    const base = { rows: [row('V', ['B'])], cloud: cloudOf(cloud('V', ['A', 'C'])) };
    expect(computePlan(input(base)).persons[0]).toMatchObject({ toDevice: ['B'], removeFrom: [] });
    expect(computePlan(input({ ...base, prune: true })).persons[0]).toMatchObject({ removeFrom: ['A', 'C'] });
    expect(computePlan(input({ ...base, prune: true, scopeDevices: new Set(['A', 'B']) })).persons[0]).toMatchObject({
      removeFrom: ['A'],
    });
  });

  it('prunes persons of the scope that are not in the file; keeps those a device outside the scope holds', () => {
    const c = cloudOf(cloud('GONE', ['A']), cloud('ELSEWHERE', ['A', 'Z']));
    const inScope = new Set(['GONE', 'ELSEWHERE']);
    const kept = computePlan(input({ cloud: c, inScope }));
    expect(kept.persons).toEqual([]);
    expect(kept.notInFile).toEqual(['ELSEWHERE', 'GONE']);
    const pruned = computePlan(input({ cloud: c, inScope, prune: true, pruneCloud: true }));
    const byCode = Object.fromEntries(pruned.persons.map((p) => [p.personCode, p]));
    expect(byCode.GONE).toMatchObject({ action: 'delete', removeFrom: ['A'], deleteFromCloud: true });
    expect(byCode.ELSEWHERE).toMatchObject({ action: 'remove', removeFrom: ['A'], deleteFromCloud: false });
  });

  it('trusts what a checked device answers over the cloud’s belief, and honours the journal’s owed sends', () => {
    const rows = [row('D', ['A'])];
    const c = cloudOf(cloud('D', ['A']));
    const cleared = computePlan(input({ rows, cloud: c, devices: new Map([['A', new Set<string>()]]) }));
    expect(cleared.persons[0]).toMatchObject({ action: 'send', toDevice: ['A'] });
    const owed = computePlan(input({ rows, cloud: c, pendingToDevice: (_r, s) => s === 'A' }));
    expect(owed.persons[0]).toMatchObject({ action: 'send', toDevice: ['A'] });
  });

  it('compares access windows per device and cards', () => {
    const rows = [
      row('W', ['A', 'B'], {
        access: { accessFlag_1: '1', accessTimeFrom_1: '2024/04/01 09:00:00', accessTimeTo_1: '2030/03/31 18:00:00' },
        cards: { card_no_1: 'abc', validityDateFrom_1: '2024/04/01', validityDateTo_1: '2030/03/31' },
      }),
    ];
    const plan = computePlan(
      input({
        rows,
        cloud: cloudOf(cloud('W', ['A', 'B'])),
        access: new Map([
          [
            'W',
            new Map([
              ['A', ['1|2024/04/01 09:00:00|2030/03/31 18:00:00']],
              ['B', ['0|2024/04/01 09:00:00|2030/03/31 18:00:00']],
            ]),
          ],
        ]),
        cards: new Map([['W', ['ABC|2024/04/01|2030/03/31']]]),
      }),
    );
    expect(plan.persons[0]).toMatchObject({
      action: 'update',
      changes: ['access@B'],
      access: ['B'],
      cards: false,
      toDevice: ['B'],
    });
  });
});
