import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ClientConfig, createClient, type FacetClient } from '../../src/core/client.js';
import {
  ApiError,
  AuthError,
  CancelledError,
  DeviceError,
  ExclusionError,
  ExitCode,
  ServerUnavailableError,
  ValidationError,
} from '../../src/core/errors.js';
import type { HttpEngine } from '../../src/core/http.js';
import { endpointById } from '../../src/registry/index.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { picture } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp.js';

const FACE = picture('face-astronaut.jpg');
const SERIAL = '7L11R010014';
const ep = (id: string) => {
  const e = endpointById(id);
  if (!e) throw new Error(`no endpoint ${id}`);
  return e;
};

let emu: TestEmulator;
const clients: FacetClient[] = [];
const logs: string[] = [];

/** Every case runs on both HTTP engines (core/http.ts); `client()` uses the one of the running block. */
let engine: HttpEngine = 'undici';

function client(extra: Partial<ClientConfig> = {}): FacetClient {
  const c = createClient({
    httpEngine: engine,
    baseUrl: emu.url,
    token: emu.token,
    senselink: emu.senselink,
    log: (l) => logs.push(l),
    // No real waiting between attempts in tests.
    sleep: async () => {},
    random: () => 0.5,
    ...extra,
  });
  clients.push(c);
  return c;
}

async function journal(path?: string): Promise<{ method: string; path: string; params: string[]; status: number }[]> {
  const all = (await emu.op('GET', '/requests')).body.requests;
  return path ? all.filter((r: { path: string }) => r.path.endsWith(path)) : all;
}

beforeAll(async () => {
  emu = await startTestEmulator();
});

afterAll(async () => {
  await emu.close();
});

beforeEach(async () => {
  await emu.op('POST', '/reset');
  await emu.op('POST', '/devices', { serialNo: SERIAL, kind: 'terminal' });
  logs.length = 0;
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

describe.each(['undici', 'node'] as const)('on the %s engine', (name) => {
  beforeAll(() => {
    engine = name;
  });

  describe('client against the emulator', () => {
    it('calls beforeHttp once undici is loaded, not before a request; never on the node engine (Context.beforeHttp)', async () => {
      let calls = 0;
      const c = client({ beforeHttp: () => calls++ });
      expect(calls).toBe(0);
      const devices = await c.json(ep('device.getDevice'), {});
      expect(devices.map((d: { serialNo: string }) => d.serialNo)).toEqual([SERIAL]);
      if (name === 'undici') expect(calls).toBeGreaterThan(0);
      else expect(calls).toBe(0);
    });

    it('calls a JSON endpoint with the token in the header only', async () => {
      const devices = await client().json(ep('device.getDevice'), {});
      expect(devices.map((d: { serialNo: string }) => d.serialNo)).toEqual([SERIAL]);
      const [req] = await journal('/device/getDevice');
      expect(req.method).toBe('GET');
      expect(req.status).toBe(200);
      expect(logs.join('\n')).not.toContain(emu.token);
      expect(logs.join('\n')).toContain('ds-api-token: [redacted]');
    });

    it('streams a binary answer to a file and returns JSON when the endpoint answers JSON', async () => {
      await emu.op('POST', '/device-persons', {
        serialNo: SERIAL,
        personCode: 'P001',
        personName: 'Yamada',
        picture: FACE.toString('base64'),
      });
      const dir = tempDir('facetctl-bin-');
      const file = join(dir, 'p.jpg');
      const out = createWriteStream(file);
      const answer = await client().call(
        ep('person.getPersonPictureFromDevice'),
        { serialNo: SERIAL, personCode: 'P001' },
        { out },
      );
      await new Promise<void>((resolve) => out.end(resolve));
      expect(answer).toMatchObject({ kind: 'binary', status: 200, contentType: 'image/jpeg', bytes: FACE.length });
      expect(readFileSync(file).equals(FACE)).toBe(true);

      const missing = await client().call(ep('person.getPersonPictureFromDevice'), {
        serialNo: SERIAL,
        personCode: 'NOPE',
      });
      expect(missing.kind).toBe('json');
      expect(missing.kind === 'json' && missing.body.result).toBe(false);
    });

    it('buffers a binary answer when no output stream is given', async () => {
      await emu.op('POST', '/device-persons', { serialNo: SERIAL, personCode: 'P1', picture: FACE.toString('base64') });
      const answer = await client().call(ep('person.getPersonPictureFromDevice'), {
        serialNo: SERIAL,
        personCode: 'P1',
      });
      expect(answer.kind === 'binary' && answer.data?.equals(FACE)).toBe(true);
    });

    it('rejects invalid parameters locally and sends nothing', async () => {
      const before = (await journal()).length;
      const err = await client()
        .call(ep('person.toDevice'), { serialNo: SERIAL })
        .catch((e) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect(err.exitCode).toBe(ExitCode.usage);
      expect(err.fields.map((f: { name: string }) => f.name)).toContain('personCode');
      const err2 = await client()
        .call(ep('log.getRecogLog'), { serialNo: SERIAL, pictureExpires: '5' })
        .catch((e) => e);
      expect(err2).toBeInstanceOf(ValidationError);
      expect((await journal()).length).toBe(before);
    });

    it('maps a wrong token to AuthError (403, exit 4)', async () => {
      const err = await client({ token: 'x'.repeat(64) })
        .json(ep('device.getDevice'), {})
        .catch((e) => e);
      expect(err).toBeInstanceOf(AuthError);
      expect(err.status).toBe(403);
      expect(err.exitCode).toBe(4);
      expect(err.message).toBe("token rejected (403): check the profile's token");
    });

    it('maps an offline device to DeviceError (503 with a body, exit 5) without retrying', async () => {
      await emu.op('PATCH', `/devices/${SERIAL}`, { online: false });
      const err = await client()
        .json(ep('device.sync'), { serialNo: SERIAL })
        .catch((e) => e);
      expect(err).toBeInstanceOf(DeviceError);
      expect(err.exitCode).toBe(5);
      expect(err.message).toContain(`デバイス[${SERIAL}]`);
      expect((await journal('/device/sync')).length).toBe(1);
    });

    it('understands nochange-response-status=1 (an error inside a 200)', async () => {
      await emu.op('PATCH', `/devices/${SERIAL}`, { online: false });
      const err = await client()
        .json(ep('device.sync'), { serialNo: SERIAL, 'nochange-response-status': '1' })
        .catch((e) => e);
      expect(err).toBeInstanceOf(DeviceError);
      const [req] = await journal('/device/sync');
      expect(req.status).toBe(200);
      expect(req.params).toContain('nochange-response-status');

      const bad = await client()
        .raw('/person/toDevice', { serialNo: SERIAL, personCode: 'NOBODY', 'nochange-response-status': '1' })
        .catch((e) => e);
      expect(bad.status).toBe(200);
    });

    it('retries maintenance (503, empty body) on a repeatable endpoint, then succeeds', async () => {
      await emu.op('POST', '/faults', { path: '/device/getDevice', status: 503, rate: 1 });
      const c = client({
        // The "wait" before the retry ends the maintenance: deterministic, no real time.
        sleep: async () => {
          await emu.op('DELETE', '/faults');
        },
      });
      const devices = await c.json(ep('device.getDevice'), {});
      expect(devices).toHaveLength(1);
      expect((await journal('/device/getDevice')).map((r) => r.status)).toEqual([503, 200]);
      expect(logs.some((l) => l.startsWith('retry 1 in '))).toBe(true);
    });

    it('gives up after the allowed retries and reports the maintenance', async () => {
      await emu.op('POST', '/faults', { path: '/device/getDevice', status: 502, rate: 1 });
      const err = await client({ retries: 2 })
        .json(ep('device.getDevice'), {})
        .catch((e) => e);
      expect(err).toBeInstanceOf(ServerUnavailableError);
      expect(err.exitCode).toBe(1);
      expect((await journal('/device/getDevice')).map((r) => r.status)).toEqual([502, 502, 502]);
    });

    it('retries after a dropped connection', async () => {
      await emu.op('POST', '/faults', { path: '/device/getDevice', resetRate: 1 });
      const c = client({
        sleep: async () => {
          await emu.op('DELETE', '/faults');
        },
      });
      expect(await c.json(ep('device.getDevice'), {})).toHaveLength(1);
    });

    it('never retries a non-repeatable endpoint', async () => {
      await emu.op('POST', '/faults', { path: '/system/openOnce', status: 500, rate: 1 });
      const err = await client()
        .json(ep('system.openOnce'), { serialNo: SERIAL })
        .catch((e) => e);
      expect(err).toBeInstanceOf(ServerUnavailableError);
      expect((await journal('/system/openOnce')).length).toBe(1);
    });

    it('retries exclusion: two concurrent syncs of one device both succeed, one after an exclusion', async () => {
      await emu.op('PATCH', `/devices/${SERIAL}`, { latencyMs: 400 });
      let settleA!: () => void;
      let settleB!: () => void;
      const aDone = new Promise<void>((r) => (settleA = r));
      const bDone = new Promise<void>((r) => (settleB = r));
      // The loser's "wait" lasts until the winner has finished: no real time involved.
      const a = client({ sleep: () => bDone });
      const b = client({ sleep: () => aDone });
      const pa = a.json(ep('device.sync'), { serialNo: SERIAL }).finally(settleA);
      const pb = b.json(ep('device.sync'), { serialNo: SERIAL }).finally(settleB);
      await Promise.all([pa, pb]);
      expect((await journal('/device/sync')).map((r) => r.status).sort()).toEqual([200, 200, 400]);
    });

    it('surfaces exclusion as ExclusionError when retries are off', async () => {
      await emu.op('PATCH', `/devices/${SERIAL}`, { latencyMs: 400 });
      const c = client({ retries: 0 });
      const results = await Promise.allSettled([
        c.json(ep('device.sync'), { serialNo: SERIAL }),
        c.json(ep('device.sync'), { serialNo: SERIAL }),
      ]);
      const rejected = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
      expect(rejected).toHaveLength(1);
      expect(rejected[0].reason).toBeInstanceOf(ExclusionError);
      expect(rejected[0].reason.message).toContain('他のリクエストを処理中です。');
    });

    it('follows every page: 250 logs are 3 pages', async () => {
      await emu.op('POST', '/recognize', { serialNo: SERIAL, count: 250 });
      const sizes: number[] = [];
      for await (const page of client().pages(ep('log.getRecogLog'), { serialNo: SERIAL }))
        sizes.push(page.list.length);
      expect(sizes).toEqual([100, 100, 50]);
      expect((await journal('/log/getRecogLog')).length).toBe(3);
    });

    it('stops after one page for latest=1 (no rows/pages in the answer)', async () => {
      await emu.op('POST', '/recognize', { serialNo: SERIAL, count: 150 });
      const pages = [];
      for await (const page of client().pages(ep('log.getRecogLog'), { serialNo: SERIAL, latest: '1' }))
        pages.push(page);
      expect(pages).toHaveLength(1);
    });

    it('sends large values as a POST form even where GET is allowed', async () => {
      const pushUrl = `https://example.com/push?x=${'a'.repeat(3000)}`;
      await client().json(ep('device.registPushUrl'), { serialNo: SERIAL, pushUrl });
      const [req] = await journal('/device/registPushUrl');
      expect(req.method).toBe('POST');
      expect(req.status).toBe(200);
      const got = await client().json(ep('device.getPushUrl'), { serialNo: SERIAL });
      expect(got.push_url).toBe(pushUrl);
    });

    it('sends POST-only endpoints as POST (pictures in the body, not the URL)', async () => {
      const answer = await client().json(ep('person.checkPersonPicture'), { picture: FACE.toString('base64') });
      expect(answer.result).toBe(true);
      const [req] = await journal('/person/checkPersonPicture');
      expect(req.method).toBe('POST');
      expect(logs.join('\n')).toMatch(/form: picture \(\d+\.\d kB\)/);
      expect(logs.join('\n')).not.toContain(FACE.toString('base64').slice(0, 100));
    });

    it('fetches a recognition picture with the picture cookies', async () => {
      await emu.op('POST', '/recognize', { serialNo: SERIAL });
      const c = client();
      const page = await c.json(ep('log.getRecogLog'), { serialNo: SERIAL });
      const { pictureUrl } = page.list[0];
      const pic = await c.fetchPicture(pictureUrl, page.pictureCookie);
      expect(pic.status).toBe(200);
      expect(pic.body.subarray(0, 2).toString('hex')).toBe('ffd8');
      const denied = await c.fetchPicture(pictureUrl, {});
      expect(denied.status).toBe(403);
    });

    it('cancels when the signal aborts', async () => {
      const ac = new AbortController();
      ac.abort();
      await expect(client().json(ep('device.getDevice'), {}, { signal: ac.signal })).rejects.toBeInstanceOf(
        CancelledError,
      );
    });

    it('reaches any path raw and returns error answers as they are', async () => {
      const c = client();
      const ok = await c.raw('/device/getDevice', {});
      expect(ok.status).toBe(200);
      expect(JSON.parse(ok.body.toString())).toHaveLength(1);
      const notFound = await c.raw('/nope/nothing', {});
      expect(notFound.status).toBe(404);
      const bad = await c.raw('/person/toDevice', { serialNo: SERIAL }, { method: 'POST' });
      expect(bad.status).toBe(400);
      expect(JSON.parse(bad.body.toString()).errors[0].name).toBe('personCode');
    });

    it("gets the emulator's 414 only when GET is forced through raw; call() switches to POST instead", async () => {
      const long = 'a'.repeat(20_000);
      const forced = await client().raw(
        '/device/registPushUrl',
        { serialNo: SERIAL, pushUrl: long },
        { method: 'GET' },
      );
      expect(forced.status).toBe(414);
      await client().json(ep('device.registPushUrl'), { serialNo: SERIAL, pushUrl: long });
      expect((await journal('/device/registPushUrl')).map((r) => r.status)).toEqual([414, 200]);
    });

    it('maps a source IP outside the allow list to AuthError 401', async () => {
      const guarded = await startTestEmulator({ allowIp: ['192.0.2.1'] });
      try {
        const err = await client({ baseUrl: guarded.url, token: guarded.token })
          .json(ep('device.getDevice'), {})
          .catch((e) => e);
        expect(err).toBeInstanceOf(AuthError);
        expect(err.status).toBe(401);
        expect(err.message).toBe('source IP address not allowed (401)');
      } finally {
        await guarded.close();
      }
    });

    it('maps an unknown path to ApiError not found', async () => {
      const fake = { ...ep('device.getDevice'), path: '/device/doesNotExist' };
      const err = await client()
        .json(fake, {})
        .catch((e) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect(err.message).toBe('not found: /device/doesNotExist');
    });
  });

  describe('SenseLink against the emulator', () => {
    it('signs requests and reads the envelope', async () => {
      const from = new Date(Date.now() - 3600_000).toISOString().replace(/\.\d+Z$/, '+00:00');
      const to = new Date(Date.now() + 60_000).toISOString().replace(/\.\d+Z$/, '+00:00');
      const body = await client().json(ep('senselink.getRecords'), { time_from: from, time_to: to });
      expect(body.code).toBe(200);
      expect(Array.isArray(body.data.list)).toBe(true);
    });

    it('creates a record with a JSON body, then lists it', async () => {
      const c = client();
      const created = await c.json(ep('senselink.createRecord'), {
        sn: SERIAL,
        timestamp: String(Math.floor(Date.now() / 1000)),
        'image.data': FACE.toString('base64'),
      });
      expect(created.code).toBe(200);
      expect(created.data.record_id).toBeDefined();
      const image = await c.call(ep('senselink.getImage'), { image_id: String(created.data.image_id) });
      expect(image.kind).toBe('binary');
    });

    it('follows SenseLink pages by page and size until page × size reaches total', async () => {
      const c = client();
      for (let i = 0; i < 3; i++) {
        await c.json(ep('senselink.createRecord'), {
          sn: SERIAL,
          timestamp: String(Math.floor(Date.now() / 1000)),
          'image.data': FACE.toString('base64'),
        });
      }
      const from = new Date(Date.now() - 3600_000).toISOString().replace(/\.\d+Z$/, '+00:00');
      const to = new Date(Date.now() + 60_000).toISOString().replace(/\.\d+Z$/, '+00:00');
      const sizes: number[] = [];
      for await (const page of c.pages(ep('senselink.getRecords'), { time_from: from, time_to: to, size: '2' })) {
        sizes.push(page.data.list.length);
      }
      expect(sizes).toEqual([2, 1]);
    });

    it('turns a wrong secret into an error with the message verbatim', async () => {
      const from = new Date(Date.now() - 3600_000).toISOString().replace(/\.\d+Z$/, '+00:00');
      const to = new Date().toISOString().replace(/\.\d+Z$/, '+00:00');
      const err = await client({ senselink: { ...emu.senselink, appSecret: 'wrong' } })
        .json(ep('senselink.getRecords'), { time_from: from, time_to: to })
        .catch((e) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect(err.errors[0].message.length).toBeGreaterThan(0);
    });
  });
});
