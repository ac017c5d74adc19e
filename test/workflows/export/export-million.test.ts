/**
 * Issue 5's "Done means", at full size: the emulator holds 1,000,000 recognition logs and a full
 * `log recog export` (the real bin/facetctl.js, as a cron job runs it) writes every one of them exactly
 * once and nothing else. The bulk insert numbers a fresh device's logs 1…N, so "exactly the stored rows"
 * is checked as: the cloud says N rows with ids 1 and N at the ends, and the file holds N distinct ids,
 * each between 1 and N. The file (~390 MB) is read line by line into a bitmap, so the test itself
 * stays small. Throughput and memory are measured in bench/export.ts, not here.
 */
import { spawn } from 'node:child_process';
import { createReadStream, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, tempConfigDir } from '../../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { tempDir } from '../../helpers/temp.js';
import { ensureBuilt } from '../../setup/build.js';

const N = 1_000_000;
let emu: TestEmulator;
let dir: string;

beforeAll(async () => {
  ensureBuilt();
  emu = await startTestEmulator();
  dir = tempDir('facetctl-million-');
});
afterAll(async () => {
  await emu?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function recogLog(params: string): Promise<{ rows: number; pages: number; list: { id: string }[] }> {
  const res = await fetch(`${emu.url}/log/getRecogLog?serialNo=M1&${params}`, {
    headers: { 'ds-api-token': emu.token },
  });
  return (await res.json()) as { rows: number; pages: number; list: { id: string }[] };
}

/** Runs the built CLI as a child: the emulator in this process keeps answering while it works. */
function exportTo(out: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [BIN, 'log', 'recog', 'export', '--serial', 'M1', '-o', 'ndjson', '--out', out],
      {
        env: {
          ...process.env,
          FACETCTL_CONFIG_DIR: tempConfigDir(),
          FACETCTL_HOST: emu.url,
          FACETCTL_TOKEN: emu.token,
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('log recog export with 1,000,000 stored logs', () => {
  it('writes exactly the stored rows: every id once, nothing else', async () => {
    expect((await emu.op('POST', '/devices', { serialNo: 'M1' })).status).toBe(201);
    expect((await emu.op('POST', '/recognize', { serialNo: 'M1', count: N })).status).toBe(200);
    const first = await recogLog('pageNo=1');
    expect(first.rows).toBe(N);
    expect(Number(first.list[0].id)).toBe(N);
    const last = await recogLog(`pageNo=${first.pages}`);
    expect(Number(last.list.at(-1)?.id)).toBe(1);

    const out = join(dir, 'all.ndjson');
    const res = await exportTo(out);
    expect(res.stderr).toContain(`exported ${N} recog log rows`);
    expect(res.code).toBe(0);

    const seen = new Uint8Array(N + 1);
    let lines = 0;
    for await (const line of createInterface({ input: createReadStream(out) })) {
      if (!line) continue;
      const row = JSON.parse(line) as { id: string; serialNo: string };
      const id = Number(row.id);
      expect(Number.isInteger(id) && id >= 1 && id <= N).toBe(true);
      if (seen[id]) throw new Error(`id ${id} written twice`);
      seen[id] = 1;
      lines++;
    }
    expect(lines).toBe(N);
  }, 900_000);
});
