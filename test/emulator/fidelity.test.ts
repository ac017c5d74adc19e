/**
 * Issue 11: what the cloud accepts, the emulator accepts; what it refuses, the emulator refuses.
 * Each test calls the emulator over HTTP (or the CLI against it) and quotes the document's sentence.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { connectionEnv } from '../helpers/cli-emulator.js';
import { tempDir } from '../helpers/temp.js';
import { addDevice, api, b64, ok, registPerson, startTestEmulator, type TestEmulator } from './util.js';

let emu: TestEmulator;

beforeAll(async () => {
  emu = await startTestEmulator({ latencyMs: 0, senselink: { appKey: 'fid-key', appSecret: 'fid-secret' } });
  await addDevice(emu, 'S1');
  await registPerson(emu, 'P1');
});
afterAll(() => emu.close());

function windows(n: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 1; i <= n; i++) {
    const day = String(i).padStart(2, '0');
    out[`accessFlag_${i}`] = '1';
    out[`accessTimeFrom_${i}`] = `2030/01/${day} 09:00:00`;
    out[`accessTimeTo_${i}`] = `2030/01/${day} 18:00:00`;
  }
  return out;
}

describe('point 1: entries past the maximum are ignored by the cloud, refused by the CLI', () => {
  it('「最大で 10 件までが許容され、11 件目以降は指定しても無視されます。」: 12 windows store the first 10', async () => {
    const r = await api(
      emu,
      '/person/registPersonAcessTimeForCloud',
      { personCode: 'P1', serialNo: 'S1', ...windows(12) },
      { method: 'POST' },
    );
    expect(r.status).toBe(200);
    const got = await ok(emu, '/person/getPersonAcessTimeFromCloud', { personCode: 'P1' });
    expect(got.S1).toHaveLength(10);
  });

  it('「最大で 3 件までが許容され、4 件目以降は指定しても無視されます。」: a 4th card is ignored', async () => {
    const cards: Record<string, string> = {};
    for (let i = 1; i <= 4; i++) {
      cards[`card_no_${i}`] = `ABCD000${i}`;
      cards[`validityDateFrom_${i}`] = '2030/01/01';
      cards[`validityDateTo_${i}`] = '2030/12/31';
    }
    const r = await api(
      emu,
      '/person/registPersonCardInfoForCloud',
      { personCode: 'P1', ...cards },
      { method: 'POST' },
    );
    expect(r.status).toBe(200);
    const got = await ok(emu, '/person/getPersonCardInfoFromCloud', { personCode: 'P1' });
    expect(JSON.stringify(got)).not.toContain('ABCD0004');
    expect(JSON.stringify(got)).toContain('ABCD0003');
  });

  it('the CLI refuses an 11th --access and says why (exit 2, nothing sent)', async () => {
    const access = Object.entries(windows(11))
      .filter(([k]) => k.startsWith('accessFlag_'))
      .flatMap(([k]) => {
        const n = k.slice('accessFlag_'.length);
        const w = windows(11);
        return ['--access', `1,${w[`accessTimeFrom_${n}`]},${w[`accessTimeTo_${n}`]}`];
      });
    const r = await runCli(['person', 'access-times', 'set', '--person-code', 'P1', '--serial', 'S1', ...access], {
      env: connectionEnv(emu),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/at most 10/);
    expect(r.stderr).toMatch(/silently ignores windows past the 10th/);
  });
});

describe('point 2: displayMessage colours', () => {
  it('「正しく入力ができていない場合は、文字色は黒字、背景色は透明となります。」: accepted with the fallback', async () => {
    const r = await api(emu, '/system/displayMessage', {
      serialNo: 'S1',
      Customtip: 'hello',
      Tipstime: 3000,
      BorderColor: 'red',
      BackgroundColor: '300,0,0,0',
    });
    expect(r.status).toBe(200);
    const d = await emu.op('GET', '/devices/S1');
    expect(d.body.message).toMatchObject({ BorderColor: '0,0,0,255', BackgroundColor: '0,0,0,0' });
  });

  it('the CLI warns and sends it; --help says it is not a hard limit', async () => {
    const r = await runCli(
      ['system', 'message', '--serial', 'S1', '--customtip', 'hi', '--tipstime', '3000'].concat([
        '--border-color',
        'red',
        '--background-color',
        '0,0,0,0',
      ]),
      { env: connectionEnv(emu) },
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: --border-color: .*black text/);
    const help = await runCli(['system', 'message', '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toMatch(/anything else is accepted and shows black text/);
  });
});

describe('point 3: multipart/form-data bodies (PHP reads them as it reads urlencoded forms)', () => {
  it('reads every parameter of a multipart POST (curl -F serialNo=S1 …/device/getPushUrl)', async () => {
    const form = new FormData();
    form.set('ds-api-token', emu.token);
    form.set('serialNo', 'S1');
    const r = await fetch(`${emu.url}/device/getPushUrl`, { method: 'POST', body: form });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ push_url: '' });
  });

  it('a picture uploaded as a multipart text field registers the person', async () => {
    const form = new FormData();
    form.set('personCode', 'MP1');
    form.set('personName', '山田 花子');
    form.set('picture', b64('face-astronaut.jpg'));
    const r = await fetch(`${emu.url}/person/registPersonForCloud`, {
      method: 'POST',
      headers: { 'ds-api-token': emu.token },
      body: form,
    });
    expect(r.status).toBe(200);
    const got = await ok(emu, '/person/getPersonFromCloud', { personCode: 'MP1' });
    expect(got.list[0].personName).toBe('山田 花子');
  });

  it('a multipart body without a boundary is a 400 with the envelope', async () => {
    const r = await fetch(`${emu.url}/device/getPushUrl`, {
      method: 'POST',
      headers: { 'ds-api-token': emu.token, 'content-type': 'multipart/form-data' },
      body: 'serialNo=S1',
    });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: boolean }).error).toBe(true);
  });
});

describe('point 4: JSON bodies are not read (「Method GET もしくは POST」: query and form parameters only)', () => {
  it('a JSON body carries nothing the cloud reads: the required serialNo is missing', async () => {
    const r = await fetch(`${emu.url}/device/getPushUrl`, {
      method: 'POST',
      headers: { 'ds-api-token': emu.token, 'content-type': 'application/json' },
      body: JSON.stringify({ serialNo: 'S1' }),
    });
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({ error: true, errors: [{ name: 'serialNo', message: 'シリアルNoは必須です。' }] });
  });

  it('the SenseLink POST record stays JSON, as its document says', async () => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const sign = createHash('md5').update(`${timestamp}#fid-secret`).digest('hex');
    const r = await fetch(`${emu.origin}/api/v1/plus/record?app_key=fid-key&timestamp=${timestamp}&sign=${sign}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sn: 'S1', timestamp: Number(timestamp), image: { data: b64('face-astronaut.jpg') } }),
    });
    expect(r.status).toBe(200);
  });
});

describe("point 5: base64 as encoders write it (PHP's base64_decode)", () => {
  it('accepts line-wrapped base64 (76-character MIME lines) and unpadded base64', async () => {
    const text = b64('face-astronaut.jpg');
    const wrapped = text.replace(/.{76}/g, '$&\r\n');
    const unpadded = text.replace(/=+$/, '');
    for (const [code, picture] of [
      ['B64W', wrapped],
      ['B64U', unpadded],
    ]) {
      const r = await api(emu, '/person/registPersonForCloud', { personCode: code, picture }, { method: 'POST' });
      expect(r.status, code).toBe(200);
    }
  });

  it('still refuses what is not base64', async () => {
    const r = await api(
      emu,
      '/person/registPersonForCloud',
      { personCode: 'B64X', picture: '!!!!' },
      { method: 'POST' },
    );
    expect(r.status).toBe(400);
    expect(r.body.errors[0].name).toBe('picture');
  });
});

describe('point 6: an empty value sent is a value', () => {
  it('「必須では無くクラウドには空（null）として保存できます」: memo=, sex=, birthday= clear the stored values', async () => {
    await registPerson(emu, 'E1', 'face-astronaut.jpg', { memo: 'old memo', sex: 'female', birthday: '1990/01/01' });
    const picture = b64('face-astronaut.jpg');
    await ok(
      emu,
      '/person/registPersonForCloud',
      { personCode: 'E1', picture, memo: '', sex: '', birthday: '' },
      'POST',
    );
    const got = await ok(emu, '/person/getPersonFromCloud', { personCode: 'E1' });
    expect(got.list[0]).toMatchObject({ memo: null, sex: null, birthday: null });
    // Absent fields stay as they were.
    await ok(emu, '/person/registPersonForCloud', { personCode: 'E1', picture, memo: 'new' }, 'POST');
    const again = await ok(emu, '/person/getPersonFromCloud', { personCode: 'E1' });
    expect(again.list[0]).toMatchObject({ memo: 'new', sex: null });
  });

  it('setConfig tipsCustom= clears the text and lists it as updated', async () => {
    await ok(emu, '/config/setConfig', { serialNo: 'S1', tipsCustom: 'ようこそ' });
    const r = await ok(emu, '/config/setConfig', { serialNo: 'S1', tipsCustom: '' });
    expect(r).toEqual({ updated: ['tipsCustom'], errored: [] });
    expect((await ok(emu, '/config/getConfig', { serialNo: 'S1' })).tipsCustom).toBe('');
  });
});

describe('point 6 (CLI): config apply of a backup with empty texts restores them', () => {
  it('sends tipsCustom="" and the device text is cleared', async () => {
    await ok(emu, '/config/setConfig', { serialNo: 'S1', tipsCustom: 'あとで消す' });
    const dir = tempDir('facetctl-fidelity-');
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ tipsCustom: '' }));
    const r = await runCli(['config', 'apply', file, '--serial', 'S1'], { env: connectionEnv(emu) });
    expect(r.code, r.stderr).toBe(0);
    expect((await ok(emu, '/config/getConfig', { serialNo: 'S1' })).tipsCustom).toBe('');
  });
});

describe('point 7: registPushUrl', () => {
  it('「既に登録されている内容を削除したい場合は、パラメータ「push_url」を空で送信してください。」', async () => {
    await ok(emu, '/device/registPushUrl', { serialNo: 'S1', push_url: 'https://example.com/alias' });
    expect((await ok(emu, '/device/getPushUrl', { serialNo: 'S1' })).push_url).toBe('https://example.com/alias');
    // A call without either name keeps the URL.
    await ok(emu, '/device/registPushUrl', { serialNo: 'S1' });
    expect((await ok(emu, '/device/getPushUrl', { serialNo: 'S1' })).push_url).toBe('https://example.com/alias');
    await ok(emu, '/device/registPushUrl', { serialNo: 'S1', push_url: '' });
    expect((await ok(emu, '/device/getPushUrl', { serialNo: 'S1' })).push_url).toBe('');
  });
});

describe('point 8: jsonp', () => {
  it('「jsonp による API アクセスの場合、クラウドサーバーは本文 JSON 中の pictureCookie に加えて set-cookie レスポンスヘッダを自動的に返却します。」', async () => {
    await emu.op('POST', '/recognize', { serialNo: 'S1', count: 2 });
    const res = await fetch(`${emu.url}/log/getRecogLog?ds-api-token=${emu.token}&serialNo=S1&callback=onLogs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/javascript/);
    const text = await res.text();
    const m = /^\/\*\*\/onLogs\((.*)\);$/s.exec(text);
    expect(m).not.toBeNull();
    const body = JSON.parse(m![1]);
    const lines = res.headers.getSetCookie();
    expect(lines.map((l) => l.split('=')[0]).sort()).toEqual([
      'CloudFront-Key-Pair-Id',
      'CloudFront-Policy',
      'CloudFront-Signature',
    ]);
    expect(lines[0]).toMatch(/HttpOnly; Max-Age=\d+; Path=\//);
    // The cookies the headers set open the pictures the body lists.
    const cookie = lines.map((l) => l.split(';')[0]).join('; ');
    const url = body.list.find((r: { pictureUrl: string | null }) => r.pictureUrl)?.pictureUrl;
    expect((await fetch(url, { headers: { cookie } })).status).toBe(200);
    expect((await fetch(url)).status).toBe(403);
  });

  it('a callback that is not a function name is refused (nothing is echoed into the script)', async () => {
    const res = await fetch(`${emu.url}/device/getDevice?ds-api-token=${emu.token}&callback=alert(1)//`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: { name: string }[] }).errors[0].name).toBe('callback');
  });
});

describe('point 10: getRecogLog latest=1', () => {
  it('「このパラメータが指定された場合、recogTimeFrom / recogTimeTo / personCode / pageNo で指定した内容は無視されます。」', async () => {
    const r = await api(emu, '/log/getRecogLog', {
      serialNo: 'S1',
      latest: 1,
      recogTimeFrom: 'yesterday',
      recogTimeTo: '2023/02/30 00:00:00',
      pageNo: 'abc',
    });
    expect(r.status).toBe(200);
    expect(Array.isArray(r.body.list)).toBe(true);
  });
});

describe('point 11: the second documented 503 body', () => {
  it('「デバイスとの通信が正常に行われませんでした。」 through the fault API; the CLI exits 5 with its own message', async () => {
    try {
      const added = await emu.op('POST', '/faults', { path: '/device/getDevice', status: 503, deviceFailure: true });
      expect(added.status).toBe(200);
      const r = await api(emu, '/device/getDevice', {});
      expect(r.status).toBe(503);
      expect(r.body).toEqual({
        error: true,
        errors: [{ name: 'device', message: 'デバイスとの通信が正常に行われませんでした。' }],
      });
      const cli = await runCli(['device', 'list', '--retries', '0'], { env: connectionEnv(emu) });
      expect(cli.code).toBe(5);
      expect(cli.stderr).toMatch(/connected but its exchange with the cloud failed/);
    } finally {
      await emu.op('DELETE', '/faults');
    }
  });
});

describe('point 12: documented statuses only', () => {
  it('a GET on a POST-only endpoint is a 400 with the envelope (no 405 in the document)', async () => {
    const r = await api(emu, '/person/checkPersonPicture', { picture: b64('noface-gray.jpg') });
    expect(r.status).toBe(400);
    expect(r.body.errors[0]).toEqual({ name: 'method', message: 'このAPIはPOSTで送信して下さい。' });
  });

  it('a body over the size limit is a 400 with the envelope, not a reset', async () => {
    const big = 'a'.repeat(33 * 1024 * 1024);
    const r = await fetch(`${emu.url}/device/getPushUrl`, {
      method: 'POST',
      headers: { 'ds-api-token': emu.token, 'content-type': 'application/x-www-form-urlencoded' },
      body: `serialNo=S1&x=${big}`,
    });
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({
      error: true,
      errors: [{ name: 'body', message: 'リクエストのサイズが大きすぎます。' }],
    });
  });
});

describe('point 13: 「数値」 read as PHP reads numbers', () => {
  it('recogSearchThreshold=80.0 is the number 80', async () => {
    const r = await ok(emu, '/config/setConfig', { serialNo: 'S1', recogSearchThreshold: '81.0' });
    expect(r.updated).toEqual(['recogSearchThreshold']);
    expect((await ok(emu, '/config/getConfig', { serialNo: 'S1' })).recogSearchThreshold).toBe(81);
  });

  it('ids=1, 2 with a space is read as 1 and 2', async () => {
    const r = await api(emu, '/log/deleteRecogLog', { serialNo: 'S1', ids: '1, 2' }, { method: 'POST' });
    expect(r.status).toBe(200);
  });

  it('「override △ 数値 上書き登録を行いたい場合は「1」を指定します。」: override=2 is a number, not an overwrite', async () => {
    await ok(emu, '/person/registPersonType', { personTypeCode: 7, personTypeName: '社員' });
    const r = await api(emu, '/person/registPersonType', { personTypeCode: 7, personTypeName: '来客', override: 2 });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ result: false, message: expect.stringMatching(/overrideに 1を指定/) });
    await ok(emu, '/person/registPersonType', { personTypeCode: 7, personTypeName: '来客', override: '1.0' });
    const types = await ok(emu, '/person/getPersonType');
    expect(types).toContainEqual({ person_type_code: '7', person_type_name: '来客' });
  });

  it('a card whose validity From is after To is stored as sent (the document states no order rule)', async () => {
    const r = await api(
      emu,
      '/person/registPersonCardInfoForCloud',
      { personCode: 'P1', card_no_1: 'BEEF', validityDateFrom_1: '2031/01/01', validityDateTo_1: '2030/01/01' },
      { method: 'POST' },
    );
    expect(r.status).toBe(200);
  });
});

describe('point 15: --help shows the △ one-of requirements, from the registry', () => {
  it('person register and log recog delete', async () => {
    const reg = await runCli(['person', 'register', '--help']);
    expect(reg.stdout).toMatch(/Required: one of --picture, or --recog-log-serial-no with --recog-log-id/);
    const del = await runCli(['log', 'recog', 'delete', '--help']);
    expect(del.stdout).toMatch(/Required: one of --ids, or --recog-time-from, or --recog-time-to, or --person-code/);
  });
});

describe('point 17: secrets', () => {
  it('a token that differs in length or in one character is refused alike (constant-time comparison)', async () => {
    for (const token of [`${emu.token}x`, emu.token.slice(0, -1), `${emu.token.slice(0, -1)}!`, '']) {
      expect((await api(emu, '/device/getDevice', {}, { token })).status).toBe(403);
    }
    expect((await api(emu, '/device/getDevice', {})).status).toBe(200);
  });

  it('`facetctl server --help` offers --token-stdin and the environment forms', async () => {
    const r = await runCli(['server', '--help']);
    expect(r.stdout).toMatch(/--token-stdin/);
    expect(r.stdout).toMatch(/--senselink-app-secret-stdin/);
    expect(r.stdout).toMatch(/FACETCTL_SERVER_TOKEN/);
    expect(r.stdout).toMatch(/FACETCTL_SERVER_SENSELINK_APP_SECRET/);
    expect(r.stdout).toMatch(/visible to ps/);
  });
});
