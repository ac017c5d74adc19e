/**
 * `push listen` under load and attack: pushes with wrong field types are refused with 400, the queue
 * of events waiting for `--exec` is bounded (503 when full), closing waits only for the running
 * command, and the command inherits no facetctl secret.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { until } from '../../helpers/poll.js';
import { capturedListener, listenInProcess, postPush as post, PUSH_TIME as TIME } from '../../helpers/push-listener.js';
import { tempDir } from '../../helpers/temp.js';

/** A command that waits for `go` to exist, then appends its stdin to `out`. */
function gatedCommand(dir: string): string {
  const go = join(dir, 'go');
  const out = join(dir, 'out.ndjson');
  return `while [ ! -f '${go}' ]; do sleep 0.02; done; cat >> '${out}'`;
}

function lines(file: string): Record<string, unknown>[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

describe('push listener: field types', () => {
  it('refuses with 400 a push whose fields have the wrong types, and emits nothing', async () => {
    const { listener, text, notes } = await capturedListener();
    const bad: [Record<string, unknown>, boolean, string][] = [
      [{ serialNo: 'S1', time: TIME, mask: 'abc' }, false, 'mask: expected a number'],
      [{ serialNo: 'S1', time: TIME, temp: { value: 36 } }, true, 'temp: expected a number'],
      [{ serialNo: ['S1'], time: TIME }, true, 'serialNo: expected a string'],
      [{ serialNo: 'S1', time: TIME, personName: 42 }, true, 'personName: expected a string'],
      [{ serialNo: 'S1', time: 'yesterday' }, false, 'time: expected YYYY/MM/DD HH:MI:SS'],
    ];
    for (const [fields, json, message] of bad) {
      const res = await post(listener.url, fields, json);
      expect(res.status, message).toBe(400);
      expect(((await res.json()) as { message: string }).message).toContain(message);
    }
    const good = await post(listener.url, { serialNo: 'S1', time: TIME, temp: 36.5, personCode: null }, true);
    expect(good.status).toBe(200);
    await listener.close();
    expect(listener.received).toBe(1);
    expect(text().trim().split('\n')).toHaveLength(1);
    expect(notes.filter((n) => n.includes('wrong field types'))).toHaveLength(bad.length);
  });
});

describe('push listener: --exec queue', () => {
  it('bounds the events waiting for the command (503 when full) and, on close, waits only for the running one', async () => {
    const dir = tempDir('facetctl-push-');
    const { listener, notes } = await capturedListener({
      exec: gatedCommand(dir),
      queueEvents: 2,
      env: { PATH: process.env.PATH },
    });
    const statuses: number[] = [];
    for (let i = 1; i <= 5; i++) statuses.push((await post(listener.url, { serialNo: `Q${i}`, time: TIME })).status);
    // One running, two waiting, the rest refused.
    expect(statuses).toEqual([200, 200, 200, 503, 503]);
    expect(listener.refused).toBe(2);
    expect(notes.some((n) => n.includes('queue full') && n.includes('Q4') && n.includes('503'))).toBe(true);
    const closed = listener.close();
    writeFileSync(join(dir, 'go'), '');
    await closed;
    // Only the command that was running when close() came ran.
    expect(lines(join(dir, 'out.ndjson')).map((e) => e.serialNo)).toEqual(['Q1']);
    expect(notes).toContain('push: stopping: 2 event(s) waiting for --exec were not run');
  });

  it('keeps memory bounded with 400 large events: waiting events are limited in bytes', async () => {
    const dir = tempDir('facetctl-push-');
    const { listener } = await capturedListener({
      exec: gatedCommand(dir),
      queueEvents: 1000,
      queueBytes: 256 * 1024,
      env: { PATH: process.env.PATH },
    });
    const big = 'x'.repeat(32 * 1024);
    let ok = 0;
    let busy = 0;
    for (let i = 0; i < 400; i++) {
      const status = (await post(listener.url, { serialNo: `B${i}`, time: TIME, personName: big }, true)).status;
      if (status === 200) ok++;
      else if (status === 503) busy++;
    }
    // 1 running + at most 256 kB / ~32 kB waiting.
    expect(ok).toBeLessThanOrEqual(9);
    expect(ok + busy).toBe(400);
    writeFileSync(join(dir, 'go'), '');
    await listener.close();
  });

  it('the command gets the event on stdin and no facetctl secret in its environment (CLI, in-process)', async () => {
    const dir = tempDir('facetctl-push-');
    const file = join(dir, 'env.txt');
    const { running, stop } = await listenInProcess(
      ['--exec', `env > '${file}'; cat >> '${file}'`],
      { serialNo: 'ENV1', time: TIME, personName: '$(touch pwned)`id`' },
      {
        env: {
          PATH: process.env.PATH,
          FACETCTL_TOKEN: 'tok-secret-1',
          FACETCTL_SENSELINK_APP_SECRET: 'sl-secret-2',
          FACETCTL_SENSELINK_APP_KEY: 'sl-key-3',
          FACETCTL_MY_SECRET_THING: 'other-secret-4',
          FACETCTL_HOST: 'http://visible.invalid',
          MY_VAR: 'kept',
        },
      },
    );
    const text = await until(() => {
      const t = existsSync(file) ? readFileSync(file, 'utf8') : '';
      return t.includes('ENV1') ? t : undefined;
    });
    stop();
    expect((await running).code).toBe(130); // stopped by the abort (Ctrl-C): 130
    expect(text).toContain('MY_VAR=kept');
    expect(text).toContain('FACETCTL_HOST=http://visible.invalid');
    for (const secret of ['tok-secret-1', 'sl-secret-2', 'sl-key-3', 'other-secret-4'])
      expect(text).not.toContain(secret);
    expect(text).toContain('"personName":"$(touch pwned)`id`"');
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
  });
});
