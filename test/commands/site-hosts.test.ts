/**
 * Hosts, tokens and proxies as real sites have them (issue 9 §6), through the CLI against the
 * emulator: a token from a Windows-edited file, a dead corporate proxy in the environment, https to
 * a plain-http port, a host URL without /api1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { tempDir } from '../helpers/temp.js';

/** Nothing listens on the discard port: a proxy there is dead. */
const DEAD_PROXY = 'http://127.0.0.1:9';

describe('secrets, hosts and proxies from the environment', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator();
  });
  afterAll(async () => {
    await emu.close();
  });

  it('trims a token read from a Windows-edited file (trailing \\r\\n), for calls and for profile test', async () => {
    const env = { FACETCTL_HOST: emu.url, FACETCTL_TOKEN: `${emu.token}\r\n` };
    const res = await runCli(['device', 'list', '-o', 'json'], { env });
    expect(res.stderr).not.toContain('invalid ds-api-token header');
    expect(res.code).toBe(0);
    const test = await runCli(['profile', 'test'], { env });
    expect(test.code).toBe(0);
  });

  it('refuses a token with a control character inside, naming the variable and never printing the token (exit 2)', async () => {
    const secret = emu.token.slice(0, 10);
    const env = { FACETCTL_HOST: emu.url, FACETCTL_TOKEN: `${secret}\r${emu.token.slice(10)}` };
    await emu.op('DELETE', '/requests');
    for (const argv of [
      ['device', 'list'],
      ['profile', 'test'],
    ]) {
      const res = await runCli(argv, { env });
      expect(res.code, argv.join(' ')).toBe(2);
      expect(res.stderr).toContain('FACETCTL_TOKEN holds a carriage return (\\r) at character 11');
      expect(res.stderr).not.toContain(secret);
    }
  });

  it('trims and checks the SenseLink secret from the environment the same way', async () => {
    const env = {
      FACETCTL_SENSELINK_URL: emu.senselink.baseUrl,
      FACETCTL_SENSELINK_APP_KEY: 'key',
      FACETCTL_SENSELINK_APP_SECRET: 'sec\u0007ret',
    };
    const res = await runCli(['senselink', 'record', 'list', '--time-from', '-1h', '--time-to', 'now'], { env });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('FACETCTL_SENSELINK_APP_SECRET holds the control character U+0007 at character 4');
  });

  it('reaches a loopback host directly with HTTP_PROXY/HTTPS_PROXY set to a dead proxy', async () => {
    const env = {
      FACETCTL_HOST: emu.url,
      FACETCTL_TOKEN: emu.token,
      HTTP_PROXY: DEAD_PROXY,
      HTTPS_PROXY: DEAD_PROXY,
      http_proxy: DEAD_PROXY,
      https_proxy: DEAD_PROXY,
    };
    const res = await runCli(['device', 'list', '-o', 'json'], { env });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
  });

  it('https to the plain-http port says the server does not speak TLS and gives the http://…/api1 URL', async () => {
    const https = emu.url.replace(/^http:/, 'https:');
    const res = await runCli(['device', 'list'], { env: { FACETCTL_HOST: https, FACETCTL_TOKEN: emu.token } });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('does not speak TLS (https) on this port');
    expect(res.stderr).toContain(`--host ${emu.url}`);
    expect(res.stderr).not.toMatch(/SSL routines|ssl3_get_record/);
  });

  it('a host URL without /api1 answering 404 gets the /api1 hint', async () => {
    const bare = emu.url.replace(/\/api1$/, '');
    const res = await runCli(['device', 'list'], { env: { FACETCTL_HOST: bare, FACETCTL_TOKEN: emu.token } });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`try ${bare}/api1`);
  });
});

describe('npm run demo behind a corporate proxy', () => {
  it('runs to the end with HTTP_PROXY/HTTPS_PROXY pointing at a dead proxy (loopback is never proxied)', async () => {
    const dir = tempDir('facetctl-demo-proxy-');
    const res = await runCli(['demo', '--dir', dir], {
      env: { HTTP_PROXY: DEAD_PROXY, HTTPS_PROXY: DEAD_PROXY, NO_PROXY: '' },
    });
    expect(res.stderr).toContain('==> Import persons.csv');
    expect(res.stderr).not.toContain('could not connect');
    expect(res.code).toBe(0);
  }, 120_000);
});
