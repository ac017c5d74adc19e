/**
 * /person/*: cloud persons and device persons kept apart, moved by toDevice/toCloud and removed as
 * the document says; access windows, cards, pictures, similarity, capture, person types.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { connectionEnv } from '../helpers/cli-emulator.js';
import { editedCopies, twoFacesSideBySide } from './faces/pictures.js';
import {
  addDevice,
  api,
  b64,
  cookieHeader,
  fixture,
  ok,
  registPerson,
  startTestEmulator,
  type TestEmulator,
} from './util.js';

let emu: TestEmulator;

beforeAll(async () => {
  emu = await startTestEmulator();
  await addDevice(emu, 'T1');
  await addDevice(emu, 'T2');
  await addDevice(emu, 'OLD', { model: 'TTCX1100' });
  await addDevice(emu, 'CAM', { kind: 'aicamera' });
});
afterAll(() => emu.close());

const post = (path: string, params: Record<string, string | number>) => api(emu, path, params, { method: 'POST' });

describe('registPersonForCloud and getPersonFromCloud', () => {
  it('inserts, then updates only the given fields, keeping the registration order', async () => {
    await registPerson(emu, 'C0001', 'face-astronaut.jpg', { sex: 'male', birthday: '1980/12/05', memo: 'メモ' });
    await registPerson(emu, 'C0002', 'face-cameraman.jpg');
    expect(
      await ok(
        emu,
        '/person/registPersonForCloud',
        { personCode: 'C0001', personName: '山田 太郎', picture: b64('face-astronaut.jpg') },
        'POST',
      ),
    ).toEqual({
      result: true,
    });
    const body = await ok(emu, '/person/getPersonFromCloud', { personCode: 'C000*' });
    expect(body.rows).toBe(2);
    expect(body.pages).toBe(1);
    expect(body.list.map((p: { personCode: string }) => p.personCode)).toEqual(['C0002', 'C0001']);
    expect(body.list[1]).toEqual({
      personCode: 'C0001',
      personName: '山田 太郎',
      pictureUrl: expect.stringMatching(/\/pictures\/.+\.jpg$/),
      sex: 'male',
      memo: 'メモ',
      birthday: '1980/12/05',
      personTypeName: null,
      serialNos: [],
    });
    const pic = await fetch(body.list[1].pictureUrl, { headers: { cookie: cookieHeader(body.pictureCookie) } });
    expect(Buffer.from(await pic.arrayBuffer()).equals(fixture('face-astronaut.jpg'))).toBe(true);
  });

  it('matches * as prefix or suffix, otherwise exactly', async () => {
    await registPerson(emu, 'PX_0001', 'face-astronaut.jpg', { personName: '後藤 一' });
    await registPerson(emu, 'PX_0002', 'face-astronaut.jpg', { personName: '一 後藤' });
    const codes = async (q: Record<string, string>) =>
      (await ok(emu, '/person/getPersonFromCloud', q)).list.map((p: { personCode: string }) => p.personCode);
    expect(await codes({ personCode: 'PX_*' })).toEqual(['PX_0002', 'PX_0001']);
    expect(await codes({ personCode: '*0001' })).toEqual(['PX_0001', 'C0001']);
    expect(await codes({ personCode: 'PX_0001' })).toEqual(['PX_0001']);
    expect(await codes({ personCode: 'PX_000' })).toEqual([]);
    expect(await codes({ personName: '後藤*' })).toEqual(['PX_0001']);
    expect(await codes({ personName: '*後藤' })).toEqual(['PX_0002']);
  });

  it('「前方一致検索と後方一致検索がサポートされます」 only: a * inside (F*1) or at both ends (*0000*) is literal', async () => {
    await registPerson(emu, 'ST0001', 'face-astronaut.jpg', { personName: '営業 一郎' });
    await registPerson(emu, 'S*1', 'face-astronaut.jpg', { personName: '*営業*' });
    const codes = async (q: Record<string, string>) =>
      (await ok(emu, '/person/getPersonFromCloud', q)).list.map((p: { personCode: string }) => p.personCode);
    // Not an infix wildcard: the code S*1 itself, not ST0001.
    expect(await codes({ personCode: 'S*1' })).toEqual(['S*1']);
    expect(await codes({ personCode: 'ST*1' })).toEqual([]);
    // Not a contains search: the text *0000* exactly (nobody), and *営業* is the name *営業* only.
    expect(await codes({ personCode: '*0000*' })).toEqual([]);
    expect(await codes({ personCode: '*000*' })).toEqual([]);
    expect(await codes({ personName: '*営業*' })).toEqual(['S*1']);
    expect(await codes({ personCode: '**' })).toEqual([]);
    // One star at one end still works, and the star is the only wildcard (LIKE's _ and % are literal).
    expect(await codes({ personCode: 'ST*' })).toEqual(['ST0001']);
    expect(await codes({ personCode: '*T0001' })).toEqual(['ST0001']);
    expect(await codes({ personCode: 'S_0001*' })).toEqual([]);
    expect(await codes({ personName: '営業*' })).toEqual(['ST0001']);
  });

  it('person list: F*1 through the CLI is literal, and --help says what * does', async () => {
    const env = connectionEnv(emu);
    const infix = await runCli(['person', 'list', '--person-code', 'ST*1', '--query', 'rows'], { env });
    expect(infix.code, infix.stderr).toBe(0);
    expect(JSON.parse(infix.stdout)).toBe(0);
    const prefix = await runCli(['person', 'list', '--person-code', 'ST*', '--query', 'rows'], { env });
    expect(JSON.parse(prefix.stdout)).toBe(1);
    const help = (await runCli(['person', 'list', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(help).toContain('one * at the end matches a prefix (F0*), one at the start a suffix (*01)');
    expect(help).toContain('a * anywhere else, or at both ends (no contains search), is a literal character');
  });

  it('takes the picture from a recognition log, and picture wins over the log', async () => {
    await addDevice(emu, 'LOGS');
    const rec = await emu.op('POST', '/recognize', { serialNo: 'LOGS', picture: b64('face-cameraman.jpg') });
    await ok(
      emu,
      '/person/registPersonForCloud',
      { personCode: 'FROMLOG', personName: 'ログ', recogLogSerialNo: 'LOGS', recogLogId: rec.body.id },
      'POST',
    );
    const p = await ok(emu, '/person/getPerson', { serialNo: 'T1', personCode: 'FROMLOG', includePicture: 1 });
    expect(Buffer.from(p.cloud.picture, 'base64').equals(fixture('face-cameraman.jpg'))).toBe(true);
    await ok(
      emu,
      '/person/registPersonForCloud',
      { personCode: 'FROMLOG', picture: b64('face-astronaut.jpg'), recogLogSerialNo: 'LOGS', recogLogId: rec.body.id },
      'POST',
    );
    const q = await ok(emu, '/person/getPerson', { serialNo: 'T1', personCode: 'FROMLOG', includePicture: 1 });
    expect(Buffer.from(q.cloud.picture, 'base64').equals(fixture('face-astronaut.jpg'))).toBe(true);
    const missing = await post('/person/registPersonForCloud', {
      personCode: 'X',
      recogLogSerialNo: 'LOGS',
      recogLogId: 999999,
    });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].name).toBe('recogLogId');
  });

  it('refuses a registration without a picture or log, a PNG, and a too long memo (400)', async () => {
    expect((await post('/person/registPersonForCloud', { personCode: 'N1' })).status).toBe(400);
    const png = await post('/person/registPersonForCloud', { personCode: 'N1', picture: b64('face-astronaut.png') });
    expect(png.status).toBe(400);
    expect(png.body.errors[0].name).toBe('picture');
    const memo = await post('/person/registPersonForCloud', {
      personCode: 'N1',
      picture: b64('face-astronaut.jpg'),
      memo: 'あ'.repeat(501),
    });
    expect(memo.status).toBe(400);
    expect(memo.body.errors[0].name).toBe('memo');
  });

  it('stores names as *** under name masking', async () => {
    const masked = await startTestEmulator({ nameMasking: true });
    try {
      await registPerson(masked, 'M1', 'face-astronaut.jpg', { personName: '秘密 太郎' });
      const body = await ok(masked, '/person/getPersonFromCloud', {});
      expect(body.list[0].personName).toBe('***');
    } finally {
      await masked.close();
    }
  });
});

describe('checkPersonPicture', () => {
  it('accepts a face and rejects a picture without one, with the documented message', async () => {
    expect(await ok(emu, '/person/checkPersonPicture', { picture: b64('face-astronaut.jpg') }, 'POST')).toEqual({
      result: true,
    });
    expect(await ok(emu, '/person/checkPersonPicture', { picture: b64('noface-cat.jpg') }, 'POST')).toEqual({
      result: false,
      message: 'アルゴリズム不明のエラーです。顔として認識出来ない写真の可能性があります。別の顔写真を指定して下さい。',
    });
  });
});

describe('toDevice', () => {
  it('registers, then with override=0 keeps the device copy (result true, regist false)', async () => {
    await registPerson(emu, 'TD1', 'face-astronaut.jpg');
    expect(await ok(emu, '/person/toDevice', { serialNo: 'T1', personCode: 'TD1' })).toEqual({
      result: true,
      regist: true,
      message: '人物がデバイスに登録されました。',
    });
    const again = await ok(emu, '/person/toDevice', { serialNo: 'T1', personCode: 'TD1', override: 0 });
    expect(again).toEqual({
      result: true,
      regist: false,
      message:
        '指定された personCodeに該当する人物データがデバイスに登録されており、尚且つ overrideで 0が指定されているため、登録を取りやめました。',
    });
    expect((await ok(emu, '/person/toDevice', { serialNo: 'T1', personCode: 'TD1', override: 1 })).regist).toBe(true);
    const cloud = await ok(emu, '/person/getPersonFromCloud', { personCode: 'TD1' });
    expect(cloud.list[0].serialNos).toEqual(['T1']);
    const reg = await ok(emu, '/person/getPersonFromCloud', { registSerialNo: 'T1' });
    expect(reg.list.map((p: { personCode: string }) => p.personCode)).toContain('TD1');
  });

  it('refuses a picture without a face, and the same face under another person code', async () => {
    await registPerson(emu, 'CAT', 'noface-cat.jpg');
    const cat = await ok(emu, '/person/toDevice', { serialNo: 'T2', personCode: 'CAT' });
    expect(cat).toEqual({
      result: false,
      regist: false,
      message: 'アルゴリズム不明のエラーです。顔として認識出来ない写真の可能性があります。別の顔写真を指定して下さい。',
    });
    await registPerson(emu, 'DUP1', 'face-cameraman.jpg');
    await registPerson(emu, 'DUP2', 'face-cameraman.jpg');
    expect((await ok(emu, '/person/toDevice', { serialNo: 'T2', personCode: 'DUP1' })).result).toBe(true);
    expect(await ok(emu, '/person/toDevice', { serialNo: 'T2', personCode: 'DUP2' })).toEqual({
      result: false,
      regist: false,
      message: '既に保存されている人物の顔写真です。',
    });
  });

  it('needs a person name', async () => {
    await ok(emu, '/person/registPersonForCloud', { personCode: 'NONAME', picture: b64('face-astronaut.jpg') }, 'POST');
    const r = await ok(emu, '/person/toDevice', { serialNo: 'CAM', personCode: 'NONAME' });
    expect(r.result).toBe(false);
    expect(r.regist).toBe(false);
  });

  it('copies the access windows for that device and the cards; an AI camera gets neither', async () => {
    await registPerson(emu, 'AC1', 'face-astronaut.jpg');
    await ok(emu, '/person/registPersonAcessTimeForCloud', {
      personCode: 'AC1',
      serialNo: 'CAM',
      accessFlag_1: 1,
      accessTimeFrom_1: '2021/05/03 10:00:00',
      accessTimeTo_1: '2021/05/04 10:00:00',
    });
    await ok(emu, '/person/registPersonCardInfoForCloud', {
      personCode: 'AC1',
      card_no_1: 'ABCDEF0123',
      validityDateFrom_1: '2021/05/03',
      validityDateTo_1: '2022/05/04',
    });
    expect((await ok(emu, '/person/toDevice', { serialNo: 'CAM', personCode: 'AC1' })).regist).toBe(true);
    const onCam = await ok(emu, '/person/getPerson', { serialNo: 'CAM', personCode: 'AC1' });
    expect(onCam.device.accessTimes).toEqual([]);
    expect(onCam.cloud.accessTimes).toEqual([
      { accessFlag: 1, accessTimeFrom: '2021/05/03 10:00:00', accessTimeTo: '2021/05/04 10:00:00' },
    ]);
  });

  it('with noImage=1 updates names and windows but keeps the device picture; a new person needs a picture', async () => {
    await registPerson(emu, 'NI1', 'face-astronaut.jpg', { personName: '旧名' });
    await addDevice(emu, 'T3');
    const fresh = await ok(emu, '/person/toDevice', { serialNo: 'T3', personCode: 'NI1', noImage: 1 });
    expect(fresh.result).toBe(false);
    await ok(emu, '/person/toDevice', { serialNo: 'T3', personCode: 'NI1' });
    await ok(
      emu,
      '/person/registPersonForCloud',
      { personCode: 'NI1', personName: '新名', picture: b64('noface-cat.jpg') },
      'POST',
    );
    await ok(emu, '/person/registPersonAcessTimeForCloud', {
      personCode: 'NI1',
      serialNo: 'T3',
      accessFlag_1: 0,
      accessTimeFrom_1: '2022/01/01 00:00:00',
      accessTimeTo_1: '2022/12/31 23:59:59',
    });
    expect((await ok(emu, '/person/toDevice', { serialNo: 'T3', personCode: 'NI1', noImage: 1 })).regist).toBe(true);
    const p = await ok(emu, '/person/getPerson', { serialNo: 'T3', personCode: 'NI1', includePicture: 1 });
    expect(p.device.personName).toBe('新名');
    expect(p.device.accessTimes).toHaveLength(1);
    expect(Buffer.from(p.device.picture, 'base64').equals(fixture('face-astronaut.jpg'))).toBe(true);
  });
});

describe('getPerson, deletions and associations', () => {
  it('answers both sides, pictures only with includePicture=1, and refreshes serialNos', async () => {
    await registPerson(emu, 'GP1', 'face-astronaut.jpg', { sex: 'female', birthday: '1990/01/02', memo: 'm' });
    const none = await ok(emu, '/person/getPerson', { serialNo: 'T2', personCode: 'GP1' });
    expect(none.device).toBeNull();
    expect(none.cloud).toEqual({
      personCode: 'GP1',
      personName: 'Name GP1',
      sex: 'female',
      memo: 'm',
      birthday: '1990/01/02',
      picture: null,
      accessTimes: [],
    });
    expect(await ok(emu, '/person/getPerson', { serialNo: 'T2', personCode: 'NOBODY' })).toEqual({
      device: null,
      cloud: null,
    });
    await emu.op('POST', '/device-persons', { serialNo: 'T2', personCode: 'GP1', personName: 'デバイス側' });
    expect((await ok(emu, '/person/getPersonFromCloud', { personCode: 'GP1' })).list[0].serialNos).toEqual([]);
    const both = await ok(emu, '/person/getPerson', { serialNo: 'T2', personCode: 'GP1', includePicture: 0 });
    expect(both.device).toMatchObject({ personCode: 'GP1', personName: 'デバイス側', picture: null, accessTimes: [] });
    expect((await ok(emu, '/person/getPersonFromCloud', { personCode: 'GP1' })).list[0].serialNos).toEqual(['T2']);
  });

  it('deletePersonFromCloud leaves the device copy; deletePersonFromDevice leaves the cloud copy', async () => {
    await registPerson(emu, 'DEL1', 'face-astronaut.jpg');
    await addDevice(emu, 'T4');
    await ok(emu, '/person/toDevice', { serialNo: 'T4', personCode: 'DEL1' });
    expect(await ok(emu, '/person/deletePersonFromCloud', { personCode: 'DEL1' })).toEqual({ result: true });
    const after = await ok(emu, '/person/getPerson', { serialNo: 'T4', personCode: 'DEL1' });
    expect(after.cloud).toBeNull();
    expect(after.device.personCode).toBe('DEL1');
    expect(await ok(emu, '/person/deletePersonFromDevice', { serialNo: 'T4', personCode: 'DEL1' })).toEqual({
      result: true,
    });
    expect(await ok(emu, '/person/getPerson', { serialNo: 'T4', personCode: 'DEL1' })).toEqual({
      device: null,
      cloud: null,
    });
    expect((await api(emu, '/person/deletePersonFromCloud', { personCode: 'DEL1' })).status).toBe(400);
  });

  it('deletePersonAssociation answers how many associations were removed', async () => {
    await registPerson(emu, 'AS1', 'face-cameraman.jpg');
    await addDevice(emu, 'A1');
    await addDevice(emu, 'A2');
    await ok(emu, '/person/toDevice', { serialNo: 'A1', personCode: 'AS1' });
    await ok(emu, '/person/toDevice', { serialNo: 'A2', personCode: 'AS1' });
    expect(await ok(emu, '/person/deletePersonAssociation', { personCode: 'AS1', serialNo: 'A1' })).toEqual({
      deleted: 1,
    });
    expect(await ok(emu, '/person/deletePersonAssociation', { personCode: 'AS1' })).toEqual({ deleted: 1 });
    expect(await ok(emu, '/person/deletePersonAssociation', { personCode: 'AS1' })).toEqual({ deleted: 0 });
    expect((await ok(emu, '/person/getPerson', { serialNo: 'A2', personCode: 'AS1' })).device.personCode).toBe('AS1');
  });

  it('clearPersonFromDevice deletes all, and answers the partial failure shape when the device is lost', async () => {
    await addDevice(emu, 'CLR');
    for (const code of ['K1', 'K2', 'K3', 'K4'])
      await emu.op('POST', '/device-persons', { serialNo: 'CLR', personCode: code });
    await emu.op('PATCH', '/devices/CLR', { failAfter: 3 });
    expect(await ok(emu, '/person/clearPersonFromDevice', { serialNo: 'CLR' })).toEqual({
      result: false,
      deleted: 3,
      message: '3件まで削除されましたが、デバイスとの通信異常により削除に失敗し、処理を中断しました。',
    });
    expect(await ok(emu, '/person/clearPersonFromDevice', { serialNo: 'CLR' })).toEqual({ result: true });
    expect((await ok(emu, '/person/getPersonFromDevice', { serialNo: 'CLR' })).rows).toBe(0);
  });
});

describe('toCloud and getPersonFromDevice', () => {
  it('uploads a person registered on the device directly, honouring override', async () => {
    await addDevice(emu, 'UP');
    expect(await ok(emu, '/person/toCloud', { serialNo: 'UP', personCode: 'X0001' })).toEqual({
      result: false,
      regist: false,
      message: '指定された personCodeに該当する人物データがデバイス側に登録されていません。',
    });
    await emu.op('POST', '/device-persons', {
      serialNo: 'UP',
      personCode: 'X0001',
      personName: 'デバイス花子',
      sex: 'female',
      birthday: '1970/01/01',
      picture: b64('face-cameraman.jpg'),
    });
    expect(await ok(emu, '/person/toCloud', { serialNo: 'UP', personCode: 'X0001' })).toEqual({
      result: true,
      regist: true,
      message: '人物がクラウドに登録されました。',
    });
    const cloud = await ok(emu, '/person/getPersonFromCloud', { personCode: 'X0001' });
    expect(cloud.list[0]).toMatchObject({ personName: 'デバイス花子', sex: 'female', serialNos: ['UP'] });
    const again = await ok(emu, '/person/toCloud', { serialNo: 'UP', personCode: 'X0001', override: 0 });
    expect(again).toEqual({
      result: true,
      regist: false,
      message:
        '指定された personCodeに該当する人物データがクラウドに登録されており、尚且つ overrideで 0が指定されているため、登録を取りやめました。',
    });
  });

  it('lists the device persons newest first, matching anywhere, 100 a page, without pictures', async () => {
    await addDevice(emu, 'MANY');
    for (let i = 1; i <= 105; i++) {
      await emu.op('POST', '/device-persons', {
        serialNo: 'MANY',
        personCode: `E${String(i).padStart(4, '0')}`,
        personName: `社員${i}`,
      });
    }
    const p1 = await ok(emu, '/person/getPersonFromDevice', { serialNo: 'MANY' });
    expect(p1.rows).toBe(105);
    expect(p1.pages).toBe(2);
    expect(p1.list[0]).toEqual({
      personCode: 'E0105',
      personName: '社員105',
      sex: 'male',
      birthday: '1970/01/01',
      accessTimes: [],
    });
    expect((await ok(emu, '/person/getPersonFromDevice', { serialNo: 'MANY', pageNo: 2 })).list).toHaveLength(5);
    const hit = await ok(emu, '/person/getPersonFromDevice', { serialNo: 'MANY', personCode: '010' });
    expect(hit.list.map((p: { personCode: string }) => p.personCode)).toEqual([
      'E0105',
      'E0104',
      'E0103',
      'E0102',
      'E0101',
      'E0100',
      'E0010',
    ]);
    expect((await ok(emu, '/person/getPersonFromDevice', { serialNo: 'MANY', personName: '社員10' })).rows).toBe(7);
  });
});

describe('access windows and cards', () => {
  it('stores windows per device, reads them back per serial, and clears them', async () => {
    await registPerson(emu, 'AT1', 'face-astronaut.jpg');
    const w = {
      personCode: 'AT1',
      serialNo: 'T1',
      accessFlag_1: 1,
      accessTimeFrom_1: '2021/05/03 10:00:00',
      accessTimeTo_1: '2021/05/04 10:00:00',
      accessFlag_2: 0,
      accessTimeFrom_2: '2021/05/05 10:00:00',
      accessTimeTo_2: '2021/05/06 10:00:00',
    };
    expect(await ok(emu, '/person/registPersonAcessTimeForCloud', w)).toEqual({ result: true });
    await ok(emu, '/person/registPersonAcessTimeForCloud', {
      ...w,
      serialNo: 'T2',
      accessFlag_2: '',
      accessTimeFrom_2: '',
      accessTimeTo_2: '',
    });
    expect(await ok(emu, '/person/getPersonAcessTimeFromCloud', { personCode: 'AT1' })).toEqual({
      T1: [
        { accessFlag: 1, accessTimeFrom: '2021/05/03 10:00:00', accessTimeTo: '2021/05/04 10:00:00' },
        { accessFlag: 0, accessTimeFrom: '2021/05/05 10:00:00', accessTimeTo: '2021/05/06 10:00:00' },
      ],
      T2: [{ accessFlag: 1, accessTimeFrom: '2021/05/03 10:00:00', accessTimeTo: '2021/05/04 10:00:00' }],
    });
    await ok(emu, '/person/registPersonAcessTimeForCloud', { personCode: 'AT1', serialNo: 'T1' });
    expect(Object.keys(await ok(emu, '/person/getPersonAcessTimeFromCloud', { personCode: 'AT1' }))).toEqual(['T2']);
  });

  it('refuses overlapping windows and windows outside 2020–2099 (400)', async () => {
    const r = await api(emu, '/person/registPersonAcessTimeForCloud', {
      personCode: 'AT1',
      serialNo: 'T1',
      accessFlag_1: 1,
      accessTimeFrom_1: '2021/05/03 10:00:00',
      accessTimeTo_1: '2021/05/05 10:00:00',
      accessFlag_2: 1,
      accessTimeFrom_2: '2021/05/04 10:00:00',
      accessTimeTo_2: '2021/05/06 10:00:00',
    });
    expect(r.status).toBe(400);
    const early = await api(emu, '/person/registPersonAcessTimeForCloud', {
      personCode: 'AT1',
      serialNo: 'T1',
      accessFlag_1: 1,
      accessTimeFrom_1: '2019/05/03 10:00:00',
      accessTimeTo_1: '2021/05/05 10:00:00',
    });
    expect(early.status).toBe(400);
  });

  it('stores up to three cards, ignores a fourth, refuses a card of another person, and clears them', async () => {
    await registPerson(emu, 'CD1', 'face-astronaut.jpg');
    await registPerson(emu, 'CD2', 'face-cameraman.jpg');
    const cards = {
      personCode: 'CD1',
      card_no_1: '111',
      validityDateFrom_1: '2021/01/01',
      validityDateTo_1: '2034/01/01',
      card_no_2: 'ABCDEF0123456789',
      validityDateFrom_2: '2021/01/01',
      validityDateTo_2: '2021/01/01',
    };
    expect(await ok(emu, '/person/registPersonCardInfoForCloud', cards)).toEqual({ result: true });
    expect(await ok(emu, '/person/getPersonCardInfoFromCloud', { personCode: 'CD1' })).toEqual({
      list: [
        { card_no: '111', validityDateFrom: '2021/01/01', validityDateTo: '2034/01/01' },
        { card_no: 'ABCDEF0123456789', validityDateFrom: '2021/01/01', validityDateTo: '2021/01/01' },
      ],
    });
    const fourth = await api(emu, '/person/registPersonCardInfoForCloud', {
      ...cards,
      card_no_4: '4',
      validityDateFrom_4: '2021/01/01',
      validityDateTo_4: '2021/01/02',
    });
    // 「最大で 3 件までが許容され、4 件目以降は指定しても無視されます。」 (issue 11 point 1)
    expect(fourth.status).toBe(200);
    expect(JSON.stringify(fourth.body)).not.toContain('"4"');
    const noDates = await api(emu, '/person/registPersonCardInfoForCloud', { personCode: 'CD1', card_no_1: '5' });
    expect(noDates.status).toBe(400);
    const taken = await ok(emu, '/person/registPersonCardInfoForCloud', {
      personCode: 'CD2',
      card_no_1: '111',
      validityDateFrom_1: '2021/01/01',
      validityDateTo_1: '2021/01/02',
    });
    expect(taken.result).toBe(false);
    expect(typeof taken.message).toBe('string');
    await ok(emu, '/person/registPersonCardInfoForCloud', { personCode: 'CD1' });
    expect(await ok(emu, '/person/getPersonCardInfoFromCloud', { personCode: 'CD1' })).toEqual({ list: [] });
  });
});

describe('pictures on the device', () => {
  it('capturePersonPicture answers the camera picture, or the documented failure', async () => {
    expect(await ok(emu, '/person/capturePersonPicture', { serialNo: 'T2', getCount: 1 })).toEqual({
      result: false,
      message: '顔画像が取得出来ませんでした。',
    });
    await emu.op('PATCH', '/devices/T2', { cameraPicture: b64('face-astronaut.jpg') });
    const r = await api(emu, '/person/capturePersonPicture', { serialNo: 'T2' });
    expect(r.status).toBe(200);
    expect(r.contentType).toBe('image/jpeg');
    expect(r.bytes.equals(fixture('face-astronaut.jpg'))).toBe(true);
    expect((await api(emu, '/person/capturePersonPicture', { serialNo: 'T2', getCount: 31 })).status).toBe(400);
  });

  it('getPersonPictureFromDevice answers the JPEG, or the documented failure', async () => {
    await addDevice(emu, 'PIC');
    await emu.op('POST', '/device-persons', { serialNo: 'PIC', personCode: 'PP', picture: b64('face-cameraman.jpg') });
    const r = await post('/person/getPersonPictureFromDevice', { serialNo: 'PIC', personCode: 'PP' });
    expect(r.contentType).toBe('image/jpeg');
    expect(r.bytes.equals(fixture('face-cameraman.jpg'))).toBe(true);
    expect((await post('/person/getPersonPictureFromDevice', { serialNo: 'PIC', personCode: 'NO' })).body).toEqual({
      result: false,
      message: '該当の personCodeが存在しません。',
    });
  });

  it('checkSimilarityInDevice finds the most similar person, refuses several faces and the TTCX1100', async () => {
    await addDevice(emu, 'SIM', { model: 'TACX1270' });
    await emu.op('POST', '/device-persons', { serialNo: 'SIM', personCode: 'S-A', picture: b64('face-astronaut.jpg') });
    await emu.op('POST', '/device-persons', { serialNo: 'SIM', personCode: 'S-C', picture: b64('face-cameraman.jpg') });
    const hit = (await post('/person/checkSimilarityInDevice', { serialNo: 'SIM', picture: b64('face-cameraman.jpg') }))
      .body;
    expect(hit.result).toBe(true);
    expect(hit.personCode).toBe('S-C');
    expect(hit.score).toBeGreaterThanOrEqual(80);
    const two = (await twoFacesSideBySide()).toString('base64');
    expect((await post('/person/checkSimilarityInDevice', { serialNo: 'SIM', picture: two })).body).toEqual({
      result: false,
      message: 'チェック画像に顔が複数存在します。',
    });
    const old = await post('/person/checkSimilarityInDevice', { serialNo: 'OLD', picture: b64('face-cameraman.jpg') });
    expect(old.status).toBe(400);
    expect(old.body.errors[0].name).toBe('device');
  });
});

describe('person types', () => {
  it('lists, auto-numbers, renames with override, refuses an 11th, deletes and unlinks', async () => {
    const local = await startTestEmulator();
    try {
      expect(await ok(local, '/person/getPersonType')).toEqual([]);
      expect(await ok(local, '/person/registPersonType', { personTypeName: '区分 1' })).toEqual({ result: true });
      await ok(local, '/person/registPersonType', { personTypeName: '区分 2' });
      expect(await ok(local, '/person/getPersonType')).toEqual([
        { person_type_code: '1', person_type_name: '区分 1' },
        { person_type_code: '2', person_type_name: '区分 2' },
      ]);
      expect((await ok(local, '/person/registPersonType', { personTypeCode: 2, personTypeName: 'x' })).result).toBe(
        false,
      );
      await ok(local, '/person/registPersonType', { personTypeCode: 2, personTypeName: '改名', override: 1 });
      expect((await ok(local, '/person/getPersonType'))[1].person_type_name).toBe('改名');
      for (let i = 3; i <= 10; i++) await ok(local, '/person/registPersonType', { personTypeName: `区分 ${i}` });
      expect(await ok(local, '/person/registPersonType', { personTypeName: '11' })).toEqual({
        result: false,
        message: '登録上限数「10」に達しています。',
      });
      await registPerson(local, 'TY1', 'face-astronaut.jpg', { personTypeCode: 2 });
      expect((await ok(local, '/person/getPersonFromCloud', { personTypeCode: 2 })).list[0].personTypeName).toBe(
        '改名',
      );
      expect(await ok(local, '/person/deletePersonType', { personTypeCode: 2 })).toEqual({ result: true });
      expect((await ok(local, '/person/getPersonFromCloud', { personCode: 'TY1' })).list[0].personTypeName).toBeNull();
      expect((await api(local, '/person/deletePersonType', { personTypeCode: 2 })).status).toBe(400);
    } finally {
      await local.close();
    }
  });

  it('answers the enter_exit_mode_flag error without entry/exit mode', async () => {
    const local = await startTestEmulator({ entryExitMode: false });
    try {
      for (const [path, params] of [
        ['/person/getPersonType', {}],
        ['/person/registPersonType', { personTypeName: 'x' }],
        ['/person/deletePersonType', { personTypeCode: 1 }],
      ] as const) {
        const r = await api(local, path, params);
        expect(r.status).toBe(400);
        expect(r.body).toEqual({
          error: true,
          errors: [{ name: 'enter_exit_mode_flag', message: '入退管理モード以外ではこの APIは実行できません。' }],
        });
      }
    } finally {
      await local.close();
    }
  });
});

describe("faces: 'off'", () => {
  it('any decodable JPEG has a face; only identical bytes are the same person', async () => {
    const off = await startTestEmulator({ faces: 'off' });
    try {
      await addDevice(off, 'OFF');
      await registPerson(off, 'O1', 'noface-cat.jpg');
      await registPerson(off, 'O2', 'noface-gray.jpg');
      await registPerson(off, 'O3', 'noface-cat.jpg');
      expect((await ok(off, '/person/toDevice', { serialNo: 'OFF', personCode: 'O1' })).regist).toBe(true);
      expect((await ok(off, '/person/toDevice', { serialNo: 'OFF', personCode: 'O2' })).regist).toBe(true);
      expect((await ok(off, '/person/toDevice', { serialNo: 'OFF', personCode: 'O3' })).message).toBe(
        '既に保存されている人物の顔写真です。',
      );
      const sim = await api(
        off,
        '/person/checkSimilarityInDevice',
        { serialNo: 'OFF', picture: b64('noface-gray.jpg') },
        { method: 'POST' },
      );
      expect(sim.body).toEqual({ result: true, personCode: 'O2', score: 100 });
      const bad = await api(
        off,
        '/person/checkPersonPicture',
        { picture: Buffer.from('not a jpeg').toString('base64') },
        { method: 'POST' },
      );
      expect(bad.status === 400 || bad.body.result === false).toBe(true);
    } finally {
      await off.close();
    }
  });
});

describe("faces: 'detector' (when the add-on is installed)", () => {
  it('rejects a picture without a face and a face already on the device', async () => {
    const { detectorAvailable } = await import('../../src/emulator/faces/index.js');
    if (!(await detectorAvailable())) return;
    const det = await startTestEmulator({ faces: 'detector' });
    try {
      await addDevice(det, 'DET');
      await registPerson(det, 'D1', 'face-astronaut.jpg');
      await registPerson(det, 'D2', 'noface-cat.jpg');
      // An edited copy: other bytes, the same face, so the detector itself must tell.
      const { quality70 } = await editedCopies(fixture('face-astronaut.jpg'));
      await ok(
        det,
        '/person/registPersonForCloud',
        { personCode: 'D3', personName: 'D3', picture: quality70.toString('base64') },
        'POST',
      );
      expect((await ok(det, '/person/toDevice', { serialNo: 'DET', personCode: 'D1' })).regist).toBe(true);
      expect((await ok(det, '/person/toDevice', { serialNo: 'DET', personCode: 'D2' })).result).toBe(false);
      expect((await ok(det, '/person/toDevice', { serialNo: 'DET', personCode: 'D3' })).message).toBe(
        '既に保存されている人物の顔写真です。',
      );
    } finally {
      await det.close();
    }
  });
});
