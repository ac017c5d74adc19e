/**
 * `facetctl device health` against the emulator (issue 15 §2): devices made offline and devices whose
 * check-ins stopped (the emulator's clock driven with POST /_emulator/tick), the monitoring exit
 * codes 0/1/2/3, the one-line summary, `-o prometheus` written atomically and validated (promtool
 * when installed, a well-kept parser always), and `--watch` redrawing on a terminal.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import parsePrometheus from 'parse-prometheus-text-format';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { useCliEmulator } from '../helpers/cli-emulator.js';
import { tempDir } from '../helpers/temp.js';

const setup = useCliEmulator();

beforeAll(async () => {
  for (const serialNo of ['H-OK', 'H-SILENT', 'H-OFF', 'H-REST']) {
    expect((await setup.emu.op('POST', '/devices', { serialNo, description: `gate ${serialNo}` })).status).toBe(201);
  }
  await setup.emu.op('PATCH', '/devices/H-SILENT', { checkIns: false });
  await setup.emu.op('PATCH', '/devices/H-OFF', { online: false });
  const rest = await runCli(['system', 'hibernate', '--serial', 'H-REST'], { env: setup.env });
  expect(rest.code, rest.stderr).toBe(0);
  // Fifteen minutes pass: H-OK and H-REST check in, the other two do not.
  expect((await setup.emu.op('POST', '/tick', { seconds: 900 })).status).toBe(200);
});

function promtool(): string | undefined {
  for (const p of ['/usr/bin/promtool', '/usr/local/bin/promtool']) if (existsSync(p)) return p;
  return undefined;
}

describe('device health', () => {
  it('reports the offline device and the one whose check-ins stopped: CRITICAL, exit 2, plugin summary first', async () => {
    const res = await runCli(['device', 'health'], { env: setup.env });
    expect(res.code, res.stderr).toBe(2);
    const [first, ...rest] = res.stdout.trim().split('\n');
    expect(first).toMatch(
      /^FACETCTL HEALTH CRITICAL - 2 critical \(H-SILENT: no contact for 1[45]m\d\ds, H-OFF: no contact/,
    );
    expect(first).toMatch(/\| ok=2 warning=0 critical=2 unknown=0$/);
    expect(rest).toEqual([expect.stringMatching(/^CRITICAL H-SILENT: /), expect.stringMatching(/^CRITICAL H-OFF: /)]);
  });

  it('exit 0 when every device asked is fine, 1 for a resting device (--mode), 3 for a serial not listed', async () => {
    const ok = await runCli(['device', 'health', '--serial', 'H-OK'], { env: setup.env });
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toBe('FACETCTL HEALTH OK - all 1 devices ok | ok=1 warning=0 critical=0 unknown=0\n');

    const rest = await runCli(['device', 'health', '--serial', 'H-REST', '--serial', 'H-OK', '--mode'], {
      env: setup.env,
    });
    expect(rest.code).toBe(1);
    expect(rest.stdout).toMatch(/^FACETCTL HEALTH WARNING - 1 warning \(H-REST: resting/);

    const unknown = await runCli(['device', 'health', '--serial', 'NOPE'], { env: setup.env });
    expect(unknown.code).toBe(3);
    expect(unknown.stdout).toMatch(/UNKNOWN NOPE: not in the device list/);
  });

  it('--mode finds a device offline before its lastAccess is stale', async () => {
    expect((await setup.emu.op('POST', '/devices', { serialNo: 'H-OFF2', online: false })).status).toBe(201);
    const quiet = await runCli(['device', 'health', '--serial', 'H-OFF2'], { env: setup.env });
    expect(quiet.code).toBe(0);
    const probed = await runCli(['device', 'health', '--serial', 'H-OFF2', '--mode', '-o', 'json'], { env: setup.env });
    expect(probed.code).toBe(2);
    const body = JSON.parse(probed.stdout);
    expect(body.state).toBe('CRITICAL');
    expect(body.devices[0]).toMatchObject({ serialNo: 'H-OFF2', online: false, state: 'CRITICAL' });
    expect(body.devices[0].reason).toMatch(/offline/);
  });

  it('thresholds: --stale/--warn move the verdict; a bad duration is UNKNOWN (3), nothing asked', async () => {
    const warn = await runCli(['device', 'health', '--serial', 'H-SILENT', '--stale', '1h', '--warn', '10m'], {
      env: setup.env,
    });
    expect(warn.code).toBe(1);
    const fine = await runCli(['device', 'health', '--serial', 'H-SILENT', '--stale', '1h', '--warn', '1h'], {
      env: setup.env,
    });
    expect(fine.code).toBe(0);
    const bad = await runCli(['device', 'health', '--stale', 'soon'], { env: setup.env });
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/--stale soon: expected a duration/);
    const badFlag = await runCli(['device', 'health', '--no-such-flag'], { env: setup.env });
    expect(badFlag.code).toBe(3);
    // A global flag's bad value is refused by the root command, before and around the command's words.
    for (const argv of [
      ['device', 'health', '-o', 'bogus'],
      ['-o', 'bogus', 'device', 'health'],
      ['--profile', 'device', 'device', 'health', '--output=bogus'],
    ]) {
      const badGlobal = await runCli(argv, { env: setup.env });
      expect(badGlobal.code, argv.join(' ')).toBe(3);
      expect(badGlobal.stderr).toMatch(/bogus/);
    }
    // Elsewhere the same mistake is the usual usage error.
    expect((await runCli(['device', 'list', '-o', 'bogus'], { env: setup.env })).code).toBe(2);
  });

  it('UNKNOWN (3) when the cloud cannot be asked (wrong token)', async () => {
    const res = await runCli(['device', 'health'], { env: { ...setup.env, FACETCTL_TOKEN: 'x'.repeat(64) } });
    expect(res.code).toBe(3);
    expect(res.stdout).toMatch(/^FACETCTL HEALTH UNKNOWN - cannot list the devices/);
  });

  it('-o prometheus --out writes the exposition format atomically; promtool and a parser accept it', async () => {
    expect((await setup.emu.op('POST', '/devices', { serialNo: 'H-QUOTE', description: 'east "A" \\ 1' })).status).toBe(
      201,
    );
    const dir = tempDir('facetctl-health-');
    const file = join(dir, 'facetctl.prom');
    const res = await runCli(['device', 'health', '-o', 'prometheus', '--out', file, '--mode'], { env: setup.env });
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/FACETCTL HEALTH CRITICAL/);
    expect(readdirSync(dir)).toEqual(['facetctl.prom']);
    const text = readFileSync(file, 'utf8');
    const tool = promtool();
    if (tool) {
      // promtool check metrics reads stdin and exits non-zero on any problem (lint included).
      execFileSync(tool, ['check', 'metrics'], { input: text });
    }
    const families = parsePrometheus(text);
    const byName = new Map(families.map((f) => [f.name, f]));
    const up = byName.get('facetctl_device_up');
    expect(up?.type).toBe('GAUGE');
    const upOf = Object.fromEntries(up!.metrics.map((m) => [m.labels!.serial, Number(m.value)]));
    expect(upOf).toMatchObject({ 'H-OK': 1, 'H-SILENT': 0, 'H-OFF': 0, 'H-REST': 1, 'H-OFF2': 0 });
    const state = Object.fromEntries(
      byName.get('facetctl_device_health_state')!.metrics.map((m) => [m.labels!.serial, Number(m.value)]),
    );
    expect(state).toMatchObject({ 'H-OK': 0, 'H-SILENT': 2, 'H-REST': 1 });
    expect(byName.get('facetctl_device_resting')!.metrics.find((m) => m.labels!.serial === 'H-REST')!.value).toBe('1');
    expect(Number(byName.get('facetctl_health_state')!.metrics[0].value)).toBe(2);
    const ages = byName.get('facetctl_device_last_access_age_seconds')!.metrics;
    expect(Number(ages.find((m) => m.labels!.serial === 'H-SILENT')!.value)).toBeGreaterThanOrEqual(900);
    // Labels are escaped: a description with quotes and a backslash comes back unchanged.
    expect(up!.metrics.find((m) => m.labels!.serial === 'H-QUOTE')!.labels!.description).toBe('east "A" \\ 1');
    expect(up!.metrics.find((m) => m.labels!.serial === 'H-OK')!.labels!.description).toBe('gate H-OK');
  });

  it('-o prometheus is refused by other commands; --out without it is a usage error', async () => {
    const other = await runCli(['device', 'list', '-o', 'prometheus'], { env: setup.env });
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/-o prometheus is written by `device health` only/);
    const out = await runCli(['device', 'health', '--out', 'x.prom'], { env: setup.env });
    expect(out.code).toBe(3);
    // A folder that does not exist: the verdict cannot be written, UNKNOWN (not 1, which reads as
    // WARNING), found before the first request as for every --out.
    const missing = join(tempDir('facetctl-health-'), 'no', 'such', 'x.prom');
    await setup.emu.op('DELETE', '/requests');
    const unwritable = await runCli(['device', 'health', '-o', 'prometheus', '--out', missing], { env: setup.env });
    expect(unwritable.code).toBe(3);
    expect(unwritable.stderr).toMatch(/--out .*x\.prom: the folder .* does not exist/);
    expect((await setup.emu.op('GET', '/requests')).body.requests).toEqual([]);
  });

  it('--watch redraws the table in place on a terminal until Ctrl-C', async () => {
    const ac = new AbortController();
    await setup.emu.op('DELETE', '/requests');
    const running = runCli(['device', 'health', '--watch', '--interval', '1s', '--serial', 'H-OK'], {
      env: setup.env,
      stdoutIsTTY: true,
      signal: ac.signal,
    });
    for (;;) {
      const j = await setup.emu.op('GET', '/requests');
      const lists = j.body.requests.filter((r: { path: string }) => r.path.endsWith('/device/getDevice'));
      if (lists.length >= 2) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    ac.abort();
    const res = await running;
    expect(res.code).toBe(130);
    const draws = res.stdout.split('FACETCTL HEALTH OK').length - 1;
    expect(draws).toBeGreaterThanOrEqual(2);
    // Every redraw moves the cursor up over the previous table and clears below it.
    expect(res.stdout).toMatch(/\x1b\[\d+F\x1b\[J/);
  });
});
