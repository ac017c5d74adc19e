/**
 * Numbered parameter families (`accessFlag_N`, `card_no_N`…): 「[N]の部分には 1 を起算とする連番を指定
 * します」 (facetcloud-api-v4.0 L2526). `_0` and zero-padded numbers (`_01`, `_001`, `_00`) name no entry:
 * a 400 naming the parameter, never stored unchecked, never read as another N, never a 500. A gap in
 * the numbering (`_2` without `_1`) is refused alike, by the emulator and by the CLI's validation.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { validateWire } from '../../src/core/params/index.js';
import { endpointById } from '../../src/registry/index.js';
import { runCli } from '../helpers/cli.js';
import { connectionEnv } from '../helpers/cli-emulator.js';
import { PICTURES } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp.js';
import { addDevice, api, ok, type Reply, registPerson, startTestEmulator, type TestEmulator } from './util.js';

let emu: TestEmulator;

beforeAll(async () => {
  emu = await startTestEmulator({ latencyMs: 0 });
  await addDevice(emu, 'TD1');
  await registPerson(emu, 'T1');
});
afterAll(() => emu.close());

const ACCESS = '/person/registPersonAcessTimeForCloud';
const CARDS = '/person/registPersonCardInfoForCloud';

async function storedAccess(): Promise<unknown> {
  return (await ok(emu, '/person/getPersonAcessTimeFromCloud', { personCode: 'T1' })).TD1 ?? [];
}

async function storedCards(): Promise<unknown[]> {
  return (await ok(emu, '/person/getPersonCardInfoFromCloud', { personCode: 'T1' })).list;
}

/** A 400 in the document's error shape whose errors name `name`. */
function expectRefused(r: Reply, name: string): void {
  expect(r.status, JSON.stringify(r.body)).toBe(400);
  expect(r.body.error).toBe(true);
  expect(r.body.errors.map((e: { name: string }) => e.name)).toContain(name);
  const e = r.body.errors.find((x: { name: string }) => x.name === name);
  expect(e.message).toMatch(/1から始まる連番/);
}

beforeEach(async () => {
  // No windows and no cards before each test.
  await ok(emu, ACCESS, { personCode: 'T1', serialNo: 'TD1' });
  await ok(emu, CARDS, { personCode: 'T1' });
});

describe('index 0 and zero-padded indexes', () => {
  it('accessFlag_0 with garbage values is a 400 naming accessFlag_0; nothing is stored', async () => {
    const r = await api(emu, ACCESS, {
      personCode: 'T1',
      serialNo: 'TD1',
      accessFlag_0: '7',
      accessTimeFrom_0: 'garbage',
      accessTimeTo_0: '1999/01/01 00:00:00',
    });
    expectRefused(r, 'accessFlag_0');
    expect(r.body.errors.map((e: { name: string }) => e.name)).toEqual(
      expect.arrayContaining(['accessTimeFrom_0', 'accessTimeTo_0']),
    );
    expect(await storedAccess()).toEqual([]);
  });

  it('card_no_0 beside three valid cards is a 400; no fourth card is stored', async () => {
    const r = await api(emu, CARDS, {
      personCode: 'T1',
      card_no_0: 'NOT-A-CARD',
      validityDateFrom_0: 'garbage',
      validityDateTo_0: 'garbage',
      card_no_1: 'a11',
      validityDateFrom_1: '2026/01/01',
      validityDateTo_1: '2027/01/01',
      card_no_2: 'a12',
      validityDateFrom_2: '2026/01/01',
      validityDateTo_2: '2027/01/01',
      card_no_3: 'a13',
      validityDateFrom_3: '2026/01/01',
      validityDateTo_3: '2027/01/01',
    });
    expectRefused(r, 'card_no_0');
    expect(await storedCards()).toEqual([]);
  });

  it('accessFlag_001 is not read as accessFlag_1 (no second, overlapping window)', async () => {
    const r = await api(emu, ACCESS, {
      personCode: 'T1',
      serialNo: 'TD1',
      accessFlag_1: '1',
      accessTimeFrom_1: '2021/01/01 00:00:00',
      accessTimeTo_1: '2022/01/01 00:00:00',
      accessFlag_001: '0',
    });
    expectRefused(r, 'accessFlag_001');
    expect(await storedAccess()).toEqual([]);
  });

  it.each([
    [
      'accessFlag_01',
      ACCESS,
      { accessFlag_01: '1', accessTimeFrom_01: '2025/01/01 00:00:00', accessTimeTo_01: '2026/01/01 00:00:00' },
    ],
    ['accessFlag_001', ACCESS, { accessFlag_001: '0' }],
    ['accessTimeFrom_00', ACCESS, { accessTimeFrom_00: '2025/01/01 00:00:00' }],
    ['card_no_0', CARDS, { card_no_0: 'zzzz' }],
    ['card_no_01', CARDS, { card_no_01: 'abc', validityDateFrom_01: '2026/01/01', validityDateTo_01: '2027/01/01' }],
    ['card_no_00', CARDS, { card_no_00: '1' }],
    ['validityDateTo_011', CARDS, { validityDateTo_011: '2027/01/01' }],
  ] as const)('%s is a 400 naming it, never a 500 (GET and POST)', async (name, path, params) => {
    for (const method of ['GET', 'POST'] as const) {
      const r = await api(emu, path, { personCode: 'T1', serialNo: 'TD1', ...params }, { method });
      expectRefused(r, name);
    }
  });

  it('an empty accessFlag_0= is refused too (the name itself is wrong)', async () => {
    const r = await api(emu, ACCESS, { personCode: 'T1', serialNo: 'TD1', accessFlag_0: '' });
    expectRefused(r, 'accessFlag_0');
  });

  it('entries past the maximum stay ignored, however large N is (「11 件目以降は指定しても無視されます」)', async () => {
    const r = await api(emu, CARDS, {
      personCode: 'T1',
      card_no_1: 'a11',
      validityDateFrom_1: '2026/01/01',
      validityDateTo_1: '2027/01/01',
      card_no_99999999999999999999: 'NOT-A-CARD',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(await storedCards()).toEqual([
      { card_no: 'a11', validityDateFrom: '2026/01/01', validityDateTo: '2027/01/01' },
    ]);
  });
});

describe('gaps in the numbering (report B13)', () => {
  it('accessFlag_2 without accessFlag_1 is a 400 naming accessFlag_2 and the missing accessFlag_1', async () => {
    const r = await api(emu, ACCESS, {
      personCode: 'T1',
      serialNo: 'TD1',
      accessFlag_2: '1',
      accessTimeFrom_2: '2021/01/01 00:00:00',
      accessTimeTo_2: '2022/01/01 00:00:00',
    });
    expectRefused(r, 'accessFlag_2');
    expect(r.body.errors[0].message).toContain('accessFlag_1');
    expect(await storedAccess()).toEqual([]);
  });

  it('cards 1 and 3 without 2 are refused, naming card_no_3', async () => {
    const r = await api(emu, CARDS, {
      personCode: 'T1',
      card_no_1: 'a11',
      validityDateFrom_1: '2026/01/01',
      validityDateTo_1: '2027/01/01',
      card_no_3: 'a13',
      validityDateFrom_3: '2026/01/01',
      validityDateTo_3: '2027/01/01',
    });
    expectRefused(r, 'card_no_3');
    expect(await storedCards()).toEqual([]);
  });

  it('an entry sent with every member empty is no entry: 1 and 2 given, 3 empty, stores 1 and 2', async () => {
    const r = await api(emu, ACCESS, {
      personCode: 'T1',
      serialNo: 'TD1',
      accessFlag_1: '1',
      accessTimeFrom_1: '2021/01/01 00:00:00',
      accessTimeTo_1: '2021/06/01 00:00:00',
      accessFlag_2: '0',
      accessTimeFrom_2: '2021/07/01 00:00:00',
      accessTimeTo_2: '2022/01/01 00:00:00',
      accessFlag_3: '',
      accessTimeFrom_3: '',
      accessTimeTo_3: '',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(await storedAccess()).toHaveLength(2);
  });
});

describe('the CLI validates family names and numbering as the emulator does', () => {
  it('validateWire (the CLI, the importer) refuses what the emulator refuses, with the same names', async () => {
    const ep = endpointById('person.registPersonAcessTimeForCloud')!;
    const base = { personCode: 'T1', serialNo: 'TD1' };
    const cases: Record<string, string>[] = [
      { accessFlag_0: '1' },
      { accessFlag_01: '1', accessTimeFrom_01: '2025/01/01 00:00:00', accessTimeTo_01: '2026/01/01 00:00:00' },
      { accessFlag_2: '1', accessTimeFrom_2: '2021/01/01 00:00:00', accessTimeTo_2: '2022/01/01 00:00:00' },
    ];
    for (const extra of cases) {
      const cli = validateWire(ep, { ...base, ...extra }).map((i) => i.name);
      const r = await api(emu, ACCESS, { ...base, ...extra });
      expect(r.status).toBe(400);
      expect(r.body.errors.map((e: { name: string }) => e.name)).toEqual(cli);
    }
  });

  it('person import: a column accessFlag_01 is refused before anything is sent (exit 2, the column named)', async () => {
    const dir = tempDir();
    const file = join(dir, 'p.csv');
    writeFileSync(
      file,
      `personCode,personName,picture,accessFlag_01,accessTimeFrom_01,accessTimeTo_01\nI1,a,${join(PICTURES, 'face-astronaut.jpg')},1,2025/01/01 00:00:00,2026/01/01 00:00:00\n`,
    );
    await emu.op('DELETE', '/requests');
    const r = await runCli(['person', 'import', file, '--serial', 'TD1'], { env: connectionEnv(emu) });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('accessFlag_01');
    expect((await emu.op('GET', '/requests')).body.requests).toEqual([]);
  });

  it('person import: a row with accessFlag_2 but no accessFlag_1 is refused, naming both', async () => {
    const dir = tempDir();
    const file = join(dir, 'p.csv');
    writeFileSync(
      file,
      `personCode,personName,picture,accessFlag_1,accessTimeFrom_1,accessTimeTo_1,accessFlag_2,accessTimeFrom_2,accessTimeTo_2\nI2,a,${join(PICTURES, 'face-astronaut.jpg')},,,,1,2025/01/01 00:00:00,2026/01/01 00:00:00\n`,
    );
    const r = await runCli(['person', 'import', file, '--serial', 'TD1', '--dry-run'], { env: connectionEnv(emu) });
    expect(r.code, r.stderr).not.toBe(0);
    expect(r.stderr + r.stdout).toMatch(/accessFlag_2.*without gaps.*accessFlag_1|accessFlag_2[^\n]*accessFlag_1/);
  });
});
