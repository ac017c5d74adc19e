/**
 * What a failed call says: the command and device named even for one serial, SenseLink's key
 * problems told apart from facetCloud's IP restriction, a 500 told apart from maintenance, and a
 * repeated --serial on a single-device command refused instead of silently dropped.
 */
import { describe, expect, it } from 'vitest';
import { journal, SERIAL, useCliEmulator } from '../helpers/cli-emulator.js';

const setup = useCliEmulator({ reset: true, clearFaults: true, clearJournal: true });
const { cli } = setup;

describe('a repeated --serial on a single-device command', () => {
  const message =
    '--serial: this command takes one device (given 2); commands that accept several say "repeatable" in --help';

  it('person get: exit 2, the message, nothing sent', async () => {
    const r = await cli(['person', 'get', '--serial', SERIAL, '--serial', '7L11R010015', '--person-code', 'F00002']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
    expect(await journal(setup.emu)).toEqual([]);
  });

  it('log recog list (with a flag after it): exit 2, nothing sent', async () => {
    const r = await cli(['log', 'recog', 'list', '--serial', 'A', '--serial', 'B', '--latest']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(await journal(setup.emu)).toEqual([]);
  });

  it('the same serial twice is one device and is sent once', async () => {
    const r = await cli(['system', 'info', '--serial', SERIAL, '--serial', SERIAL]);
    expect(r.code, r.stderr).toBe(0);
    expect(await journal(setup.emu)).toHaveLength(1);
  });

  it('multi-device commands still take several', async () => {
    await setup.emu.op('POST', '/devices', { serialNo: 'S40001', kind: 'terminal' });
    const r = await cli(['system', 'info', '--serial', SERIAL, '--serial', 'S40001']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveLength(2);
  });
});

describe('errors name the command and the device', () => {
  it('one serial: the offline device named as with several', async () => {
    await setup.emu.op('POST', '/devices', { serialNo: 'S40002', kind: 'terminal', online: false });
    const r = await cli(['system', 'info', '--serial', 'S40002']);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^error: the device could not be reached \(system info, device S40002\) \(HTTP 503\)/);
  });

  it('one serial: an API error is named too, its message verbatim', async () => {
    const r = await cli(['person', 'get', '--serial', 'NOSUCH1', '--person-code', 'X']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('(person get, device NOSUCH1)');
    expect(r.stderr).toMatch(/契約されていません/);
  });
});

describe('server errors', () => {
  const fail = (status: 500 | 502 | 503) => setup.emu.op('POST', '/faults', { path: '/system/getSystemInfo', status });

  it('500 is an unexpected server error, not maintenance', async () => {
    await fail(500);
    const r = await cli(['system', 'info', '--serial', SERIAL, '--retries', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unexpected error');
    expect(r.stderr).toContain('(HTTP 500)');
    expect(r.stderr).not.toContain('maintenance');
  });

  it('502 and an empty 503 are maintenance', async () => {
    for (const status of [502, 503] as const) {
      await setup.emu.op('DELETE', '/faults');
      await fail(status);
      const r = await cli(['system', 'info', '--serial', SERIAL, '--retries', '0']);
      expect(r.stderr).toContain(`the service is in maintenance (system info, device ${SERIAL}) (HTTP ${status})`);
      expect(r.stderr).not.toContain('unexpected');
    }
  });
});

describe('SenseLink authentication', () => {
  it('a wrong app secret points at the SenseLink key and secret, with the API message verbatim', async () => {
    const r = await cli(['senselink', 'record', 'list', '--time-from', '-1h', '--time-to', 'now'], {
      env: { FACETCTL_SENSELINK_APP_SECRET: 'wrong-secret' },
    });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("check the profile's SenseLink app key and secret");
    expect(r.stderr).not.toContain('source IP');
    expect(r.stderr).toContain('sign verification failed');
  });

  it('a facetCloud 401 still speaks of the source IP', async () => {
    const r = await cli(['device', 'list'], { env: { FACETCTL_TOKEN: 'A'.repeat(64) } });
    expect(r.stderr).toMatch(/authentication failed/);
    expect(r.stderr).not.toContain('SenseLink');
  });
});
