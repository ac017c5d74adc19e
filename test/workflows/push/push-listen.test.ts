/**
 * `push listen` receiving the emulator's push notifications: registered with `device push-url set`,
 * triggered with `/_emulator/recognize`.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PUSH_FIELDS } from '../../../src/workflows/push/push-event.js';
import { BIN, runCli, tempConfigDir } from '../../helpers/cli.js';
import { useCliEmulator } from '../../helpers/cli-emulator.js';
import { until } from '../../helpers/poll.js';
import { capturedListener, listenInProcess, PUSH_TIME, postPush } from '../../helpers/push-listener.js';
import { tempDir } from '../../helpers/temp.js';
import { ensureBuilt } from '../../setup/build.js';

const setup = useCliEmulator();

beforeAll(async () => {
  ensureBuilt();
  expect((await setup.emu.op('POST', '/devices', { serialNo: 'PUSH1' })).status).toBe(201);
  await setup.emu.op('POST', '/device-persons', { serialNo: 'PUSH1', personCode: 'P7', personName: '山田 花子' });
});

async function setPushUrl(url: string): Promise<void> {
  const res = await runCli(['device', 'push-url', 'set', '--serial', 'PUSH1', '--push-url', url], { env: setup.env });
  expect(res.code, res.stderr).toBe(0);
}

describe('push listen', () => {
  it('writes each recognition the emulator pushes as one ndjson line (child process, stops on SIGTERM)', async () => {
    const child = spawn(process.execPath, [BIN, 'push', 'listen', '--port', '0'], {
      env: { ...process.env, FACETCTL_CONFIG_DIR: tempConfigDir() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    child.stderr.on('data', (c) => {
      err += c;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = await until(() => /listening on (\S+)/.exec(err)?.[1]);
    await setPushUrl(url);
    await setup.emu.op('POST', '/recognize', { serialNo: 'PUSH1', personCode: 'P7', temp: 36.4 });
    await setup.emu.op('POST', '/recognize', { serialNo: 'PUSH1' });
    const lines = await until(() => {
      const l = out.split('\n').filter(Boolean);
      return l.length >= 2 ? l.map((x) => JSON.parse(x)) : undefined;
    });
    child.kill('SIGTERM');
    // A clean stop on SIGTERM ends with the conventional 143 (issue 13 §4).
    expect(await exited).toBe(143);
    const named = lines.find((e) => e.personCode === 'P7');
    expect(named).toMatchObject({ serialNo: 'PUSH1', personCode: 'P7', personName: '山田 花子', temp: 36.4, pass: 1 });
    expect(Object.keys(named).slice(0, 4)).toEqual(['serialNo', 'time', 'personCode', 'personName']);
    expect(named.time).toMatch(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(lines.find((e) => e.personCode === null)).toMatchObject({ serialNo: 'PUSH1', personName: null });
    expect(err).toContain('stopped after 2 event(s)');
  });

  it('--query picks what of each event is written; an event it maps to null is left out', async () => {
    // The probe (no personCode) is the first event; each push is answered before the next is sent.
    const { url, running, stop } = await listenInProcess(['--query', 'personCode && {code: personCode, temp: temp}'], {
      serialNo: 'PROBE',
      time: PUSH_TIME,
    });
    const res = await postPush(url, { serialNo: 'PUSH1', time: PUSH_TIME, personCode: 'P7', temp: 36.5 }, true);
    expect(res.status).toBe(200);
    stop();
    const done = await running;
    expect(
      done.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
    ).toEqual([{ code: 'P7', temp: 36.5 }]);
    expect(done.stderr).toContain('stopped after 2 event(s)');
  });

  it('--exec runs the command per event with the event JSON on stdin (in-process, stops on the signal)', async () => {
    const dir = tempDir('facetctl-push-');
    const file = join(dir, 'events.ndjson');
    // The listener is up once a push is accepted.
    const { url, running, stop } = await listenInProcess(['--exec', `cat >> '${file}'`], {
      serialNo: 'PROBE',
      time: PUSH_TIME,
    });
    await setPushUrl(url);
    await setup.emu.op('POST', '/recognize', { serialNo: 'PUSH1', personCode: 'P7' });
    const events = await until(() => {
      if (!existsSync(file)) return undefined;
      const l = readFileSync(file, 'utf8').split('\n').filter(Boolean);
      return l.length >= 2 ? l.map((x) => JSON.parse(x)) : undefined;
    });
    stop();
    const res = await running;
    // Stopped by the context's signal (as Ctrl-C does): the clean stop ends with 130.
    expect(res.code).toBe(130);
    expect(events[0]).toMatchObject({ serialNo: 'PROBE' });
    expect(events[1]).toMatchObject({ serialNo: 'PUSH1', personCode: 'P7', personName: '山田 花子' });
    expect(res.stdout).toBe('');
  });
});

describe('push listener', () => {
  it('accepts JSON bodies, refuses sources outside --allow-ip with 403 and methods other than POST with 405', async () => {
    const { listener: open, text } = await capturedListener({ allowIp: ['127.0.0.0/8'] });
    const json = await fetch(open.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ serialNo: 'J1', time: '2026/01/01 00:00:00', mask: '1', extra: 'kept' }),
    });
    expect(json.status).toBe(200);
    expect(await json.json()).toEqual({ result: true });
    expect((await fetch(open.url)).status).toBe(405);
    await open.close();
    const event = JSON.parse(text().trim());
    expect(event).toMatchObject({ serialNo: 'J1', mask: 1, temp: null });
    // Only the documented fields, in the documented order.
    expect(Object.keys(event)).toEqual([...PUSH_FIELDS]);

    const { listener: closed, notes: closedNotes } = await capturedListener({ allowIp: ['203.0.113.0/24'] });
    const refused = await fetch(closed.url, { method: 'POST', body: 'serialNo=X' });
    expect(refused.status).toBe(403);
    await closed.close();
    expect(closed.received).toBe(0);
    expect(closedNotes.some((n) => n.includes('refused 127.0.0.1'))).toBe(true);
  });

  it('answers 400 to a body without serialNo/time, emits nothing and notes it on stderr', async () => {
    const { listener, text, notes } = await capturedListener();
    const garbage = await fetch(listener.url, { method: 'POST', body: 'garbage' });
    expect(garbage.status).toBe(400);
    expect(await garbage.json()).toEqual({ result: false, message: 'required: serialNo, time' });
    const noTime = await fetch(listener.url, {
      method: 'POST',
      body: new URLSearchParams({ serialNo: 'S1', time: ' ' }),
    });
    expect(noTime.status).toBe(400);
    const good = await fetch(listener.url, {
      method: 'POST',
      body: new URLSearchParams({ serialNo: 'S1', time: '2026/01/01 00:00:00', cardType: '6' }),
    });
    expect(good.status).toBe(200);
    await listener.close();
    expect(listener.received).toBe(1);
    const lines = text()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ serialNo: 'S1', cardType: 6 });
    expect(notes).toEqual([
      'push: ignored a push without serialNo/time from 127.0.0.1',
      'push: ignored a push without time from 127.0.0.1',
    ]);
  });

  it('a bad --allow-ip is a usage error', async () => {
    const res = await runCli(['push', 'listen', '--allow-ip', '300.1.1.1/8']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('--allow-ip 300.1.1.1/8');
  });
});
