/**
 * `facetctl log recog stats` against the emulator (issue 15 §3): counts per device and per hour, day
 * or person over a window match the stored rows; a bar chart on a terminal; csv/json for scripts.
 */

import { beforeAll, describe, expect, it } from 'vitest';
import { formatApiDateTime } from '../../src/core/dates.js';
import { runCli } from '../helpers/cli.js';
import { useCliEmulator } from '../helpers/cli-emulator.js';

const setup = useCliEmulator();

/** The cloud's wall clock (Asia/Tokyo), as the emulator stores and answers it, whatever the host's TZ. */
function wire(d: Date): string {
  return formatApiDateTime(d);
}

interface Stored {
  serialNo: string;
  time: string;
  personCode: string | null;
}
const stored: Stored[] = [];

beforeAll(async () => {
  for (const serialNo of ['ST1', 'ST2']) {
    expect((await setup.emu.op('POST', '/devices', { serialNo })).status).toBe(201);
    for (const code of ['P1', 'P2'])
      await setup.emu.op('POST', '/device-persons', { serialNo, personCode: code, personName: `name ${code}` });
  }
  // Recognitions spread over the last 50 hours, in time order, some strangers.
  const now = Date.now();
  for (let i = 0; i < 120; i++) {
    const serialNo = i % 3 === 0 ? 'ST2' : 'ST1';
    const time = wire(new Date(now - (50 * 3600_000 * (120 - i)) / 120));
    const personCode = i % 5 === 0 ? null : i % 2 === 0 ? 'P1' : 'P2';
    const res = await setup.emu.op('POST', '/recognize', { serialNo, time, ...(personCode ? { personCode } : {}) });
    expect(res.status).toBe(200);
    stored.push({ serialNo, time, personCode });
  }
});

function expected(by: 'hour' | 'day' | 'person', fromWire?: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of stored) {
    if (fromWire && s.time < fromWire) continue;
    const key = by === 'hour' ? `${s.time.slice(0, 13)}:00` : by === 'day' ? s.time.slice(0, 10) : (s.personCode ?? '');
    m.set(`${s.serialNo}|${key}`, (m.get(`${s.serialNo}|${key}`) ?? 0) + 1);
  }
  return m;
}

describe('log recog stats', () => {
  it('--by hour and --by day match the stored rows (json)', async () => {
    for (const by of ['hour', 'day'] as const) {
      const res = await runCli(['log', 'recog', 'stats', '--all-devices', '--since', '3d', '--by', by, '-o', 'json'], {
        env: setup.env,
      });
      expect(res.code, res.stderr).toBe(0);
      const rows = JSON.parse(res.stdout) as Record<string, string | number>[];
      const got = new Map(rows.map((r) => [`${r.serialNo}|${r[by]}`, r.count as number]));
      expect(got).toEqual(expected(by));
    }
  });

  it('--by person over a window (--since 24h) counts only the rows in it (csv, strangers as an empty code)', async () => {
    const now = new Date();
    const res = await runCli(
      ['log', 'recog', 'stats', '--serial', 'ST1', '--serial', 'ST2', '--since', '24h', '--by', 'person', '-o', 'csv'],
      {
        env: setup.env,
        now,
      },
    );
    expect(res.code, res.stderr).toBe(0);
    const [header, ...lines] = res.stdout.trim().split('\n');
    expect(header).toBe('serialNo,personCode,personName,count');
    const got = new Map(
      lines.map((l) => {
        const [serial, code, , count] = l.split(',');
        return [`${serial}|${code}`, Number(count)];
      }),
    );
    expect(got).toEqual(expected('person', wire(new Date(now.getTime() - 24 * 3600_000))));
  });

  it('draws a bar chart on a terminal', async () => {
    const res = await runCli(['log', 'recog', 'stats', '--serial', 'ST1', '--since', '3d', '--by', 'day'], {
      env: setup.env,
      stdoutIsTTY: true,
    });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/│ ST1\s+│ \d{4}\/\d{2}\/\d{2} │ \d+\s+│ █+/);
    const total = [...expected('day')].filter(([k]) => k.startsWith('ST1|')).reduce((n, [, c]) => n + c, 0);
    expect(res.stderr).toContain(`${total} recognitions on 1 device(s)`);
  });

  it('refuses an unknown --by, nothing sent', async () => {
    const res = await runCli(['log', 'recog', 'stats', '--serial', 'ST1', '--by', 'week'], { env: setup.env });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/--by week: use hour, day or person/);
  });
});
