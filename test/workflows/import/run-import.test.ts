import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError, AuthError, ExclusionError, NetworkError, ServerUnavailableError } from '../../../src/core/errors.js';
import type { WireParams } from '../../../src/core/params/index.js';
import type { EndpointDef } from '../../../src/registry/index.js';
import { openJournal, readJournal } from '../../../src/workflows/import/journal.js';
import { type RunImportOptions, runImport } from '../../../src/workflows/import/run-import.js';
import type { ImportClient, PersonRow } from '../../../src/workflows/import/types.js';
import { tempDir } from './fixtures.js';

interface Call {
  action: string;
  wire: WireParams;
  /** The person concerned; for checkPersonPicture read from the test picture's last byte. */
  code: string;
}

type Answer = (call: Call, attempt: number) => unknown;

/**
 * A fake cloud: answers `{result:true}` unless told otherwise, and behaves like a device for
 * toDevice — a second concurrent call on one serial gets the exclusion error.
 */
function fakeClient(answers: Record<string, Answer> = {}) {
  const calls: Call[] = [];
  const busy = new Set<string>();
  const attempts = new Map<string, number>();
  let peakDevices = 0;
  const client: ImportClient = {
    async call(ep: EndpointDef, wire: WireParams) {
      const code = wire.personCode ?? `P${Buffer.from(wire.picture, 'base64')[3]}`;
      const call = { action: ep.action, wire, code };
      const id = `${ep.action}:${wire.personCode}:${wire.serialNo ?? ''}`;
      const attempt = attempts.get(id) ?? 0;
      attempts.set(id, attempt + 1);
      const serial = ep.exclusive ? wire.serialNo : undefined;
      if (serial) {
        if (busy.has(serial))
          throw new ExclusionError(400, [{ name: 'exclusion', message: '他のリクエストを処理中です。' }], {});
        busy.add(serial);
        peakDevices = Math.max(peakDevices, busy.size);
      }
      try {
        await new Promise((r) => setImmediate(r));
        calls.push(call);
        const answer = answers[ep.action];
        const body = answer ? answer(call, attempt) : undefined;
        return {
          kind: 'json' as const,
          status: 200,
          body: body ?? { result: true, regist: true, message: '人物がデバイスに登録されました。' },
        };
      } finally {
        if (serial) busy.delete(serial);
      }
    },
  };
  return { client, calls, peak: () => peakDevices };
}

function rows(n: number, serials = ['S1', 'S2'], extras = true): PersonRow[] {
  return Array.from({ length: n }, (_, i) => ({
    row: i + 2,
    personCode: `P${i}`,
    person: { personCode: `P${i}`, personName: `Person ${i}` },
    picture: { path: `/x/${i}.jpg`, written: `${i}.jpg`, sha256: String(i), fixed: false },
    serials,
    access: extras
      ? { accessFlag_1: '1', accessTimeFrom_1: '2024/04/01 00:00:00', accessTimeTo_1: '2024/05/01 00:00:00' }
      : undefined,
    cards: extras ? { card_no_1: 'ABC', validityDateFrom_1: '2024/04/01', validityDateTo_1: '2025/03/31' } : undefined,
    rowHash: `h${i}`,
  }));
}

function base(client: ImportClient, list: PersonRow[], more: Partial<RunImportOptions> = {}): RunImportOptions {
  return {
    client,
    rows: list,
    journal: { loaded: 0, isDone: () => false },
    concurrency: 3,
    remoteCheck: true,
    override: true,
    noImage: false,
    dryRun: false,
    signal: new AbortController().signal,
    now: () => new Date('2024-04-01T00:00:00Z'),
    loadPicture: async (row) => Buffer.from([0xff, 0xd8, 0xff, Number(row.personCode.slice(1)) & 255]),
    sleep: async () => {},
    ...more,
  };
}

const by = (calls: Call[], action: string) => calls.filter((c) => c.action === action);

describe('the import scheduler', () => {
  it('sends every step of every row in order, one call at a time per device, devices in parallel', async () => {
    const fake = fakeClient();
    const result = await runImport(base(fake.client, rows(20)));
    expect(result.lines).toHaveLength(40);
    expect(result.lines.every((l) => l.status === 'ok' && l.step === 'toDevice')).toBe(true);
    expect(by(fake.calls, 'checkPersonPicture')).toHaveLength(20);
    expect(by(fake.calls, 'registPersonForCloud')).toHaveLength(20);
    expect(by(fake.calls, 'registPersonAcessTimeForCloud').map((c) => c.wire.serialNo)).toHaveLength(40);
    expect(by(fake.calls, 'registPersonCardInfoForCloud')).toHaveLength(20);
    expect(by(fake.calls, 'toDevice')).toHaveLength(40);
    expect(fake.peak()).toBe(2);
    for (const code of ['P0', 'P7', 'P19']) {
      const mine = fake.calls.filter((c) => c.code === code).map((c) => c.action);
      expect(mine.slice(0, 3)).toEqual(['checkPersonPicture', 'registPersonForCloud', 'registPersonAcessTimeForCloud']);
      expect(mine.indexOf('registPersonCardInfoForCloud')).toBeLessThan(mine.indexOf('toDevice'));
      expect(mine.lastIndexOf('registPersonAcessTimeForCloud')).toBeLessThan(mine.indexOf('toDevice'));
    }
    const regist = by(fake.calls, 'registPersonForCloud')[0].wire;
    expect(regist.picture).toBe(Buffer.from([0xff, 0xd8, 0xff, 0]).toString('base64'));
    expect(by(fake.calls, 'toDevice')[0].wire).toEqual({
      serialNo: 'S1',
      personCode: 'P0',
      override: '1',
      noImage: '0',
    });
  });

  it('starts devices before the cloud steps of later rows are done (pipelined)', async () => {
    const fake = fakeClient();
    await runImport(base(fake.client, rows(30)));
    const firstToDevice = fake.calls.findIndex((c) => c.action === 'toDevice');
    const lastRegist = fake.calls.map((c) => c.action).lastIndexOf('registPersonForCloud');
    expect(firstToDevice).toBeLessThan(lastRegist);
  });

  it('retries transient failures with backoff and reports documented refusals without retrying', async () => {
    const fake = fakeClient({
      registPersonForCloud: (c, attempt) => {
        if (c.wire.personCode === 'P0' && attempt < 2) throw new ServerUnavailableError(503, [], '');
        return undefined;
      },
      toDevice: (c, attempt) => {
        if (c.wire.personCode === 'P1' && attempt === 0) throw new NetworkError('socket hang up', 'ECONNRESET');
        if (c.wire.personCode === 'P2') {
          return { result: false, regist: false, message: '既に保存されている人物の顔写真です。' };
        }
        return undefined;
      },
    });
    const waits: number[] = [];
    const result = await runImport(
      base(fake.client, rows(3, ['S1'], false), {
        sleep: async (ms) => {
          waits.push(ms);
        },
        random: () => 0.5,
      }),
    );
    expect(result.lines.map((l) => [l.personCode, l.status, l.message])).toEqual([
      ['P0', 'ok', '人物がデバイスに登録されました。'],
      ['P1', 'ok', '人物がデバイスに登録されました。'],
      ['P2', 'failed', '既に保存されている人物の顔写真です。'],
    ]);
    expect(waits).toHaveLength(3);
    expect(by(fake.calls, 'toDevice').filter((c) => c.wire.personCode === 'P2')).toHaveLength(1);
  });

  it('gives up on a transient failure after the retries, as a failed row', async () => {
    const fake = fakeClient({
      toDevice: () => {
        throw new ServerUnavailableError(503, [], '');
      },
    });
    const result = await runImport(base(fake.client, rows(1, ['S1'], false), { retry: { retries: 2 } }));
    expect(result.lines[0]).toMatchObject({ status: 'failed', step: 'toDevice', message: 'HTTP 503' });
  });

  it('counts refused and retried calls as sent (the summary counts requests, not successes)', async () => {
    const fake = fakeClient({
      toDevice: () => {
        throw new ServerUnavailableError(503, [], '');
      },
    });
    const result = await runImport(base(fake.client, rows(1, ['S1'], false), { retry: { retries: 2 } }));
    expect(result.lines[0]).toMatchObject({ status: 'failed', step: 'toDevice' });
    // checkPersonPicture + registPersonForCloud answered; toDevice was sent 3 times (1 + 2 retries).
    expect(by(fake.calls, 'toDevice')).toHaveLength(3);
    expect(result.progress.sent).toBe(fake.calls.length);
    expect(result.progress.sent).toBe(5);
  });

  it('fails a row whose picture the cloud rejects, with the API message, and sends it nowhere', async () => {
    const msg =
      'アルゴリズム不明のエラーです。顔として認識出来ない写真の可能性があります。別の顔写真を指定して下さい。';
    const rejecting = fakeClient({
      checkPersonPicture: (c) =>
        c.wire.picture === Buffer.from([0xff, 0xd8, 0xff, 1]).toString('base64')
          ? { result: false, message: msg }
          : undefined,
    });
    const result = await runImport(base(rejecting.client, rows(2)));
    expect(result.lines.filter((l) => l.personCode === 'P1')).toEqual([
      { row: 3, personCode: 'P1', serialNo: 'S1', status: 'failed', step: 'checkPersonPicture', message: msg },
      { row: 3, personCode: 'P1', serialNo: 'S2', status: 'failed', step: 'checkPersonPicture', message: msg },
    ]);
    expect(rejecting.calls.filter((c) => c.code === 'P1').map((c) => c.action)).toEqual(['checkPersonPicture']);
    expect(rejecting.calls.filter((c) => c.code === 'P0').map((c) => c.action)).toContain('toDevice');
  });

  it('reports override=0 with the person already on the device as skipped', async () => {
    const msg =
      '指定された personCodeに該当する人物データがデバイスに登録されており、尚且つ overrideで 0が指定されているため、登録を取りやめました。';
    const fake = fakeClient({ toDevice: () => ({ result: true, regist: false, message: msg }) });
    const result = await runImport(base(fake.client, rows(1, ['S1'], false), { override: false, noImage: true }));
    expect(result.lines[0]).toMatchObject({ status: 'skipped', step: 'toDevice', message: msg });
    expect(by(fake.calls, 'toDevice')[0].wire).toMatchObject({ override: '0', noImage: '1' });
  });

  it('keeps a device without its access times away from the person, and the others going', async () => {
    const fake = fakeClient({
      registPersonAcessTimeForCloud: (c) => {
        if (c.wire.serialNo === 'S2')
          throw new ApiError(400, [{ name: 'serialNo', message: 'シリアルNoが不正です。' }], {});
        return undefined;
      },
    });
    const result = await runImport(base(fake.client, rows(1)));
    expect(result.lines.map((l) => [l.serialNo, l.status, l.step, l.message])).toEqual([
      ['S1', 'ok', 'toDevice', '人物がデバイスに登録されました。'],
      ['S2', 'failed', 'registPersonAcessTimeForCloud', 'serialNo: シリアルNoが不正です。'],
    ]);
    expect(by(fake.calls, 'toDevice').map((c) => c.wire.serialNo)).toEqual(['S1']);
  });

  it('skips what the journal holds under the same row hash, and resends a changed row', async () => {
    const path = join(tempDir(), 'j.ndjson');
    const first = fakeClient();
    let journal = await openJournal(path);
    await runImport(base(first.client, rows(5), { journal }));
    await journal.close();
    expect((await readJournal(path)).loaded).toBe(5 * (1 + 1 + 2 + 1 + 2));

    const second = fakeClient();
    journal = await openJournal(path);
    const changed = rows(5);
    changed[3] = { ...changed[3], rowHash: 'changed' };
    const result = await runImport(base(second.client, changed, { journal }));
    await journal.close();
    expect(new Set(second.calls.map((c) => c.code))).toEqual(new Set(['P3']));
    expect(second.calls).toHaveLength(7);
    expect(result.lines.filter((l) => l.personCode !== 'P3').every((l) => l.status === 'skipped')).toBe(true);
    expect(result.lines.filter((l) => l.personCode === 'P3').every((l) => l.status === 'ok')).toBe(true);
  });

  it('--dry-run checks pictures and sends nothing that changes state', async () => {
    const fake = fakeClient();
    const result = await runImport(base(fake.client, rows(3), { dryRun: true }));
    expect(new Set(fake.calls.map((c) => c.action))).toEqual(new Set(['checkPersonPicture']));
    expect(result.lines[0]).toMatchObject({
      status: 'ok',
      message:
        'dry run: would send registPersonForCloud, registPersonAcessTimeForCloud, registPersonCardInfoForCloud, toDevice',
    });
  });

  it('on abort starts nothing new, lets calls in flight finish and journals them', async () => {
    const ac = new AbortController();
    const path = join(tempDir(), 'j.ndjson');
    const journal = await openJournal(path);
    let n = 0;
    const fake = fakeClient({
      registPersonForCloud: () => {
        if (++n === 4) ac.abort();
        return undefined;
      },
    });
    const result = await runImport(base(fake.client, rows(50), { journal, signal: ac.signal }));
    await journal.close();
    expect(result.cancelled).toBe(true);
    expect(by(fake.calls, 'registPersonForCloud').length).toBeLessThan(10);
    const view = await readJournal(path);
    // Every call that completed is in the journal: the steps a re-run would skip are exactly those sent.
    expect(view.loaded).toBe(fake.calls.length);
    expect(result.lines.some((l) => /cancelled/.test(l.message))).toBe(true);
  });

  it('stops everything on an authentication error', async () => {
    const fake = fakeClient({
      registPersonForCloud: () => {
        throw new AuthError(403, [], '');
      },
    });
    await expect(runImport(base(fake.client, rows(20)))).rejects.toBeInstanceOf(AuthError);
    expect(by(fake.calls, 'registPersonForCloud').length).toBeLessThanOrEqual(3);
  });
});
