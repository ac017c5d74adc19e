/**
 * Integer parameters beyond what can be read exactly (report A2, A6): 「数値」 values larger than
 * 2^53−1 (MAX_WIRE_INTEGER) are a 400 naming the parameter in the emulator, never a 500 nor a value
 * read, stored or echoed as another number; the CLI refuses them before sending (exit 2, the flag
 * named). Messages quote a value as it was sent.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_WIRE_INTEGER } from '../../src/registry/common-params.js';
import { endpoints } from '../../src/registry/index.js';
import { runCli } from '../helpers/cli.js';
import { connectionEnv } from '../helpers/cli-emulator.js';
import { addDevice, api, ok, type Reply, registPerson, startTestEmulator, type TestEmulator } from './util.js';

let emu: TestEmulator;

beforeAll(async () => {
  emu = await startTestEmulator({ latencyMs: 0, senselink: { appKey: 'int-key', appSecret: 'int-secret' } });
  await addDevice(emu, 'S1');
  await registPerson(emu, 'P1');
});
afterAll(() => emu.close());

const HUGE = '99999999999999999999';
const ROUNDED = '100000000000000000000';
/** 2^53 + 1: Number() reads it as 2^53. */
const JUST_OVER = '9007199254740993';

function errorsOf(r: Reply): { name: string; message: string }[] {
  expect(r.status, JSON.stringify(r.body)).toBe(400);
  expect(r.body.error).toBe(true);
  return r.body.errors;
}

function expectNamed(r: Reply, name: string): string {
  const errors = errorsOf(r);
  const e = errors.find((x) => x.name === name);
  expect(e, JSON.stringify(errors)).toBeDefined();
  return e!.message;
}

async function journal(): Promise<unknown[]> {
  return (await emu.op('GET', '/requests')).body.requests;
}

describe('the emulator', () => {
  it('registPersonType?personTypeCode=99999999999999999999 is a 400 naming personTypeCode (not a 500)', async () => {
    for (const code of [HUGE, JUST_OVER, `-${HUGE}`]) {
      const r = await api(emu, '/person/registPersonType', { personTypeName: 'big', personTypeCode: code });
      expect(expectNamed(r, 'personTypeCode')).toMatch(/区分コード/);
      expect(JSON.stringify(r.body)).not.toContain(ROUNDED);
    }
    const types = await ok(emu, '/person/getPersonType');
    expect(JSON.stringify(types)).not.toContain('big');
    // The largest exact integer is a code like any other.
    expect(
      await ok(emu, '/person/registPersonType', { personTypeName: 'max', personTypeCode: String(MAX_WIRE_INTEGER) }),
    ).toEqual({ result: true });
    const listed = (await ok(emu, '/person/getPersonType')) as { person_type_code: string }[];
    expect(listed.map((t) => t.person_type_code)).toContain(String(MAX_WIRE_INTEGER));
    await ok(emu, '/person/deletePersonType', { personTypeCode: String(MAX_WIRE_INTEGER) });
  });

  it('deletePersonType?personTypeCode=99999999999999999999: no message names 100000000000000000000', async () => {
    const r = await api(emu, '/person/deletePersonType', { personTypeCode: HUGE });
    expectNamed(r, 'personTypeCode');
    expect(JSON.stringify(r.body)).not.toContain(ROUNDED);
  });

  it('registPersonForCloud recogLogId=99999999999999999999 is a 400 naming recogLogId, never rounded', async () => {
    const r = await api(
      emu,
      '/person/registPersonForCloud',
      { personCode: 'T9', recogLogId: HUGE, recogLogSerialNo: 'S1' },
      { method: 'POST' },
    );
    expectNamed(r, 'recogLogId');
    expect(JSON.stringify(r.body)).not.toContain(ROUNDED);
  });

  it('messages quote a number as it was sent (0099, 000123456), not as it was read', async () => {
    const del = await api(emu, '/person/deletePersonType', { personTypeCode: '0099' });
    expect(expectNamed(del, 'personTypeCode')).toBe('区分コード[0099]の区分は登録されていません。');
    const reg = await api(
      emu,
      '/person/registPersonForCloud',
      { personCode: 'T9', recogLogId: '000123456', recogLogSerialNo: 'S1' },
      { method: 'POST' },
    );
    expect(expectNamed(reg, 'recogLogId')).toBe('シリアルNo[S1]のログID[000123456]の認識ログは存在しません。');
  });

  it('deleteRecogLog ids=1,99999999999999999999 is a 400 naming ids', async () => {
    const r = await api(emu, '/log/deleteRecogLog', { serialNo: 'S1', ids: `1,${HUGE}` }, { method: 'POST' });
    expectNamed(r, 'ids');
  });

  it('every int and number parameter of every facetCloud endpoint: 99999999999999999999 is a 400 naming it', async () => {
    let tried = 0;
    for (const ep of endpoints) {
      if (ep.api !== 'facetcloud' || ep.public || ep.unavailable) continue;
      for (const [name, def] of Object.entries(ep.params)) {
        if (def.type !== 'int' && def.type !== 'number' && def.type !== 'idList') continue;
        if (def.values) continue; // an allowed set names its values instead
        const method = ep.methods.includes('GET') ? 'GET' : 'POST';
        const r = await api(emu, ep.path, { serialNo: 'S1', [name]: HUGE }, { method });
        expect(r.status, `${ep.id} ${name}: ${JSON.stringify(r.body)}`).toBe(400);
        expect(
          r.body.errors.map((e: { name: string }) => e.name),
          `${ep.id} ${name}`,
        ).toContain(name);
        tried++;
      }
    }
    expect(tried).toBeGreaterThan(10);
  });

  it('SenseLink: page=99999999999999999999 is a 400 naming page; page 2^53−1 is an empty page', async () => {
    const get = async (page: string) => {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const sign = createHash('md5').update(`${timestamp}#int-secret`).digest('hex');
      const q = new URLSearchParams({
        app_key: 'int-key',
        timestamp,
        sign,
        time_from: new Date(Date.now() - 3600_000).toISOString(),
        time_to: new Date().toISOString(),
        page,
      });
      const res = await fetch(`${emu.senselink.baseUrl}/api/v1/plus/record?${q}`);
      return { status: res.status, body: (await res.json()) as { message?: string; data?: { list: unknown[] } } };
    };
    const huge = await get(HUGE);
    expect(huge.status).toBe(400);
    expect(huge.body.message).toMatch(/^page: /);
    const last = await get(String(MAX_WIRE_INTEGER));
    expect(last.status).toBe(200);
    expect(last.body.data?.list).toEqual([]);
  });
});

describe('the CLI refuses before sending (exit 2, the flag named)', () => {
  it('person type set --person-type-code 99999999999999999999', async () => {
    await emu.op('DELETE', '/requests');
    const r = await runCli(['person', 'type', 'set', '--person-type-name', 'big', '--person-type-code', HUGE], {
      env: connectionEnv(emu),
    });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('--person-type-code');
    expect(r.stderr).toContain(MAX_WIRE_INTEGER.toLocaleString('en-US').replace(/,/g, ''));
    expect(r.stderr).not.toMatch(/temporary|try again/);
    expect(await journal()).toEqual([]);
  });

  it.each([
    [['person', 'type', 'delete', '--person-type-code', HUGE, '--yes'], '--person-type-code'],
    [['person', 'list', '--person-type-code', JUST_OVER], '--person-type-code'],
    [['person', 'list', '--page', HUGE], '--page'],
    [['log', 'recog', 'delete', '--serial', 'S1', '--ids', `1,${HUGE}`, '--yes'], '--ids'],
    [
      ['person', 'register', '--person-code', 'T9', '--recog-log-serial-no', 'S1', '--recog-log-id', HUGE],
      '--recog-log-id',
    ],
    [['system', 'message', '--serial', 'S1', '--customtip', 'x', '--tipstime', HUGE], '--tipstime'],
  ])('%j names %s', async (argv, flag) => {
    await emu.op('DELETE', '/requests');
    const r = await runCli(argv, { env: connectionEnv(emu) });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${flag}: must be (between -?\\d+ and|at most) 9007199254740991`));
    expect(await journal()).toEqual([]);
  });
});
