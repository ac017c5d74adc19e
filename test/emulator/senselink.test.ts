/** SenseLink 認証レコード+: sign check, POST record with 1:N search, GET records window/order/paging, GET image. */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { b64, fixture, registPerson, startTestEmulator, type TestEmulator } from './util.js';

let emu: TestEmulator;

beforeAll(async () => {
  emu = await startTestEmulator({ senselink: { appKey: 'test-key', appSecret: 'test-secret' } });
  await registPerson(emu, 'SL1', 'face-astronaut.jpg');
  await registPerson(emu, 'SL2', 'face-cameraman.jpg');
});
afterAll(() => emu.close());

function signed(
  path: string,
  query: Record<string, string | number> = {},
  secret = 'test-secret',
  key = 'test-key',
): string {
  const timestamp = String(Date.now());
  const sign = createHash('md5').update(`${timestamp}#${secret}`).digest('hex');
  const q = new URLSearchParams({
    ...Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])),
    app_key: key,
    timestamp,
    sign,
  });
  return `${emu.senselink.baseUrl}${path}?${q}`;
}

async function createRecord(body: Record<string, unknown>): Promise<{ status: number; body: any }> {
  const res = await fetch(signed('/api/v1/plus/record'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

async function listRecords(query: Record<string, string | number>): Promise<{ status: number; body: any }> {
  const res = await fetch(signed('/api/v1/plus/record', query));
  return { status: res.status, body: await res.json() };
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');

describe('sign', () => {
  it('refuses a wrong sign, a wrong app_key and a missing sign with the {code, message} envelope', async () => {
    for (const url of [
      signed('/api/v1/plus/record', { time_from: iso(0), time_to: iso(1000) }, 'wrong-secret'),
      signed('/api/v1/plus/record', { time_from: iso(0), time_to: iso(1000) }, 'test-secret', 'other-key'),
      `${emu.senselink.baseUrl}/api/v1/plus/record?time_from=${iso(0)}&time_to=${iso(1000)}`,
    ]) {
      const res = await fetch(url);
      const body: any = await res.json();
      expect(res.status).toBe(401);
      expect(body.code).toBe(401);
      expect(typeof body.message).toBe('string');
    }
  });
});

describe('POST record', () => {
  it('「画像内の領域範囲の指定。領域内の最も大きい顔を検出。」: image.rectangle limits the face search', async () => {
    const { default: sharp } = await import('sharp');
    const meta = await sharp(fixture('face-cameraman.jpg')).metadata();
    const whole = { top: 0, left: 0, width: meta.width!, height: meta.height! };
    const corner = { top: 0, left: 0, width: 8, height: 8 };
    const outside = { top: meta.height! + 10, left: 0, width: 50, height: 50 };
    const users: (number | null)[] = [];
    for (const rectangle of [whole, corner, outside]) {
      const r = await createRecord({
        sn: 'RECT1',
        timestamp: 1,
        image: { data: b64('face-cameraman.jpg'), rectangle },
      });
      expect(r.status).toBe(200);
      const list = await listRecords({
        time_from: iso(Date.now() - 60_000),
        time_to: iso(Date.now() + 60_000),
        sn: 'RECT1',
      });
      users.push(list.body.data.list.find((x: { record_id: number }) => x.record_id === r.body.data.record_id).user_id);
    }
    expect(users[0]).not.toBeNull();
    expect(users.slice(1)).toEqual([null, null]);
  });

  it('an error message names its parameter once', async () => {
    const r = await createRecord({ sn: 'X', timestamp: 'soon', image: { data: b64('face-cameraman.jpg') } });
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/^timestamp: /);
    expect(r.body.message).not.toMatch(/timestamp: timestamp/);
  });

  it('stores a record and its image, finding the person by face', async () => {
    const r = await createRecord({
      sn: 'JKQ00009234',
      timestamp: 1659423903,
      threshold: 0.8,
      extend: '{"device_name":"gate"}',
      image: { data: b64('face-cameraman.jpg') },
    });
    expect(r.status).toBe(200);
    expect(r.body.code).toBe(200);
    expect(r.body.message).toBe('OK');
    expect(typeof r.body.data.record_id).toBe('number');
    expect(r.body.data.image_id).toMatch(/^[0-9a-f]{24}$/);
    const list = await listRecords({
      time_from: iso(Date.now() - 60_000),
      time_to: iso(Date.now() + 60_000),
      sn: 'JKQ00009234',
    });
    const rec = list.body.data.list.find((x: { record_id: number }) => x.record_id === r.body.data.record_id);
    expect(rec).toMatchObject({
      sn: 'JKQ00009234',
      image_id: r.body.data.image_id,
      device_timestamp: 1659423903,
      extend: '{"device_name":"gate"}',
    });
    expect(rec.user_id).not.toBeNull();
    expect(rec.verify_score).toBeGreaterThanOrEqual(0.8);
    const img = await fetch(signed(`/api/v1/plus/image/${r.body.data.image_id}`));
    expect(img.status).toBe(200);
    expect(Buffer.from(await img.arrayBuffer()).equals(fixture('face-cameraman.jpg'))).toBe(true);
  });

  it('leaves user_id empty when nobody reaches the threshold', async () => {
    const r = await createRecord({ sn: 'NOFACE1', timestamp: 1, image: { data: b64('noface-cat.jpg') } });
    expect(r.status).toBe(200);
    const list = await listRecords({
      time_from: iso(Date.now() - 60_000),
      time_to: iso(Date.now() + 60_000),
      sn: 'NOFACE1',
    });
    expect(list.body.data.list[0].user_id).toBeNull();
  });

  it('refuses missing fields, a non-image, and threshold outside 0–1 (400)', async () => {
    for (const body of [
      { timestamp: 1, image: { data: b64('face-cameraman.jpg') } },
      { sn: 'X', timestamp: 1, image: { data: Buffer.from('not an image').toString('base64') } },
      { sn: 'X', timestamp: 1, threshold: 1.5, image: { data: b64('face-cameraman.jpg') } },
    ]) {
      const r = await createRecord(body);
      expect(r.status).toBe(400);
      expect(r.body.code).toBe(400);
    }
  });
});

describe('GET record', () => {
  it('enforces the 24-hour window', async () => {
    const now = Date.now();
    const r = await listRecords({ time_from: iso(now - 25 * 3600_000), time_to: iso(now) });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe(400);
    expect((await listRecords({ time_from: iso(now - 24 * 3600_000), time_to: iso(now) })).status).toBe(200);
    expect((await listRecords({ time_to: iso(now) })).status).toBe(400);
  });

  it('pages with page/size (≤100), orders by record id, and reports total', async () => {
    for (let i = 0; i < 5; i++)
      await createRecord({ sn: 'PAGER', timestamp: i, image: { data: b64('face-astronaut.jpg') } });
    const window = { time_from: iso(Date.now() - 60_000), time_to: iso(Date.now() + 60_000), sn: 'PAGER' };
    const desc = await listRecords({ ...window, size: 2, page: 1 });
    expect(desc.body.data).toMatchObject({ page_num: 1, page_size: 2, total: 5 });
    expect(desc.body.data.list).toHaveLength(2);
    const asc = await listRecords({ ...window, size: 2, page: 3, order: 1 });
    expect(asc.body.data.list).toHaveLength(1);
    const allDesc = (await listRecords({ ...window, size: 100 })).body.data.list.map(
      (x: { record_id: number }) => x.record_id,
    );
    expect(allDesc).toEqual([...allDesc].sort((a: number, b: number) => b - a));
    expect(asc.body.data.list[0].record_id).toBe(allDesc[0]);
    expect((await listRecords({ ...window, size: 101 })).status).toBe(400);
    const fields = Object.keys(desc.body.data.list[0]);
    expect(fields).toEqual([
      'record_id',
      'sn',
      'image_id',
      'user_id',
      'verify_score',
      'device_timestamp',
      'timezone',
      'create_at',
      'extend',
    ]);
  });
});

describe('GET image', () => {
  it('answers 404 in the envelope for an unknown image', async () => {
    const res = await fetch(signed('/api/v1/plus/image/000000000000000000000000'));
    expect(res.status).toBe(404);
    expect(((await res.json()) as { code: number }).code).toBe(404);
  });
});

describe('clocks (issue 9 §1)', () => {
  it('refuses a timestamp in milliseconds (the document sample 1659423903029) instead of storing year 54554', async () => {
    const r = await createRecord({ sn: 'MS1', timestamp: 1659423903029, image: { data: b64('face-cameraman.jpg') } });
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/timestamp: .*milliseconds.*1659423903/);
    const seconds = await createRecord({
      sn: 'MS1',
      timestamp: 1659423903,
      image: { data: b64('face-cameraman.jpg') },
    });
    expect(seconds.status).toBe(200);
  });

  it('counts time_to inclusive to the whole second: a record stored at .xyz seconds is in its own second', async () => {
    const made = await createRecord({ sn: 'SECOND1', timestamp: 1, image: { data: b64('face-cameraman.jpg') } });
    expect(made.status).toBe(200);
    const all = await listRecords({
      time_from: iso(Date.now() - 60_000),
      time_to: iso(Date.now() + 60_000),
      sn: 'SECOND1',
    });
    const createAt: number = all.body.data.list[0].create_at;
    // The wire has whole seconds: the record's own second, written without milliseconds, must find it.
    const second = Math.floor(createAt / 1000) * 1000;
    for (const [from, to] of [
      [second, second],
      [second - 5000, second],
    ]) {
      const r = await listRecords({ time_from: iso(from), time_to: iso(to), sn: 'SECOND1' });
      expect(r.status).toBe(200);
      expect(r.body.data.list.map((x: { record_id: number }) => x.record_id)).toEqual([made.body.data.record_id]);
    }
    const before = await listRecords({ time_from: iso(second - 5000), time_to: iso(second - 1000), sn: 'SECOND1' });
    expect(before.body.data.list).toEqual([]);
  });
});
