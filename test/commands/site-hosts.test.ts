/**
 * Hosts, tokens and proxies as real sites have them (issue 9 §6), through the CLI against the
 * emulator: a token from a Windows-edited file, a dead corporate proxy in the environment, https to
 * a plain-http port, a host URL without /api1.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startTestProxy, type TestProxy } from '../helpers/connect-proxy.js';
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

describe('a plain-http host behind HTTP_PROXY: the token never crosses the proxy in clear', () => {
  let emu: TestEmulator;
  let proxy: TestProxy;
  let proxyUrl: string;
  /** What the proxy received: absolute URLs, CONNECT authorities and headers (a proxy reads all of it). */
  let seen: TestProxy['seen'];
  const host = 'facet.example.test';

  beforeAll(async () => {
    emu = await startTestEmulator();
    const target = new URL(emu.url);
    // A forward proxy for plain http that passes requests to the emulator; undici tunnels plain
    // http too (CONNECT): the bytes inside are still clear text to the proxy (proxy.tunnelled()).
    proxy = await startTestProxy({
      route: () => ({ host: target.hostname, port: Number(target.port) }),
      onRequest: (req, res) => {
        const path = new URL(req.url ?? '/').pathname;
        const upstream = request(
          { host: target.hostname, port: target.port, path, method: req.method, headers: req.headers },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        req.pipe(upstream);
      },
    });
    seen = proxy.seen;
    proxyUrl = proxy.url;
  });
  afterAll(async () => {
    await proxy.close();
    await emu.close();
  });

  const envFor = (extra: Record<string, string> = {}) => ({
    FACETCTL_HOST: `http://${host}/api1`,
    FACETCTL_TOKEN: emu.token,
    HTTP_PROXY: proxyUrl,
    ...extra,
  });

  it('is refused with --insecure-http (exit 2), naming HTTP_PROXY and the ways out; nothing reaches the proxy', async () => {
    seen.length = 0;
    const res = await runCli(['--insecure-http', 'device', 'list', '-o', 'json'], { env: envFor() });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`refusing plain http to ${host} through HTTP_PROXY`);
    expect(res.stderr).toContain('Use https');
    expect(res.stderr).toContain(`NO_PROXY=${host}`);
    expect(res.stderr).toContain('FACETCTL_PROXY_PLAIN_HTTP=1');
    expect(res.stderr).not.toContain(emu.token);
    expect(seen).toEqual([]);
    // The lower-case spelling is the same proxy.
    const lower = await runCli(['--insecure-http', 'device', 'list'], {
      env: { FACETCTL_HOST: `http://${host}/api1`, FACETCTL_TOKEN: emu.token, http_proxy: proxyUrl },
    });
    expect(lower.code).toBe(2);
    expect(seen).toEqual([]);
  });

  it('the SenseLink secret gets the same care', async () => {
    seen.length = 0;
    const res = await runCli(
      ['--insecure-http', 'senselink', 'record', 'list', '--time-from', '-1h', '--time-to', 'now'],
      {
        env: {
          FACETCTL_SENSELINK_URL: `http://${host}`,
          FACETCTL_SENSELINK_APP_KEY: 'key',
          FACETCTL_SENSELINK_APP_SECRET: 'secret',
          HTTP_PROXY: proxyUrl,
        },
      },
    );
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('through HTTP_PROXY');
    expect(seen).toEqual([]);
  });

  it('FACETCTL_PROXY_PLAIN_HTTP=1 is the explicit opt-in: the call goes through the proxy', async () => {
    seen.length = 0;
    const res = await runCli(['--insecure-http', 'device', 'list', '-o', 'json'], {
      env: envFor({ FACETCTL_PROXY_PLAIN_HTTP: '1' }),
    });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(seen[0].url).toMatch(new RegExp(`^(http://)?${host}(:80)?`));
    // What the refusal protects: the proxy could read the token.
    const readable = `${seen.map((r) => JSON.stringify(r.headers)).join('')}${proxy.tunnelled()}`;
    expect(readable).toContain(emu.token);
  });

  it('a proxy given as HOST:PORT (no scheme) is http://HOST:PORT, as curl reads it; one that is not an HTTP proxy URL is exit 2, its password hidden', async () => {
    seen.length = 0;
    const bare = await runCli(['--insecure-http', 'device', 'list', '-o', 'json'], {
      env: envFor({ HTTP_PROXY: new URL(proxyUrl).host, FACETCTL_PROXY_PLAIN_HTTP: '1' }),
    });
    expect(bare.code, bare.stderr).toBe(0);
    expect(seen.length).toBeGreaterThan(0);
    for (const [value, said] of [
      ['socks5://127.0.0.1:1080', 'socks5 proxies are not supported'],
      ['http://user:secret@[bad', 'HTTP_PROXY=http://user:***@[bad: not an HTTP proxy URL'],
    ]) {
      seen.length = 0;
      const res = await runCli(['--insecure-http', 'device', 'list'], {
        env: envFor({ HTTP_PROXY: value, FACETCTL_PROXY_PLAIN_HTTP: '1' }),
      });
      expect(res.code, res.stderr).toBe(2);
      expect(res.stderr).toContain(said);
      expect(res.stderr).not.toContain('secret');
      expect(res.stderr).not.toMatch(/\n\s+at /);
      expect(seen).toEqual([]);
    }
  });

  it('https, or the host in NO_PROXY, never asks the question', async () => {
    const { clearTextProxy } = await import('../../src/core/proxy.js');
    const settings = { httpProxy: proxyUrl, httpsProxy: proxyUrl, noProxy: '' };
    expect(clearTextProxy(new URL(`http://${host}/api1`), settings)).toBe(new URL(proxyUrl).host);
    expect(clearTextProxy(new URL(`https://${host}/api1`), settings)).toBeUndefined();
    expect(clearTextProxy(new URL(`http://${host}/api1`), { ...settings, noProxy: `.example.test` })).toBeUndefined();
    expect(clearTextProxy(new URL('http://127.0.0.1:8080/api1'), settings)).toBeUndefined();
    // A proxy URL with credentials is named by its host only.
    expect(clearTextProxy(new URL(`http://${host}/api1`), { httpProxy: 'http://user:pw@proxy.corp:3128' })).toBe(
      'proxy.corp:3128',
    );
  });
});
