/**
 * What a one-shot run loads, as the built executable really runs (bin/facetctl.js, a child process):
 * the CLI compiled with the build's V8 code cache (bin/load-cli.cjs), and
 * the Node built-ins its start-up must not pay for (issue 12, start-up). The root help builds only
 * the command declarations (test/commands/cheap-declarations.test.ts): no crypto, no fs/promises.
 * One API call loads no node:crypto (src/core/node-crypto.ts loads it on first use) and, sent directly,
 * not undici at all: one-shot commands use Node's own http client (core/node-http.ts). Through a
 * proxy the same command loads undici (its ProxyAgent), without node:http2
 * (scripts/undici-http2-lazy.cjs).
 */
import { cpSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../helpers/cli.js';
import { startTestProxy } from '../helpers/connect-proxy.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { tempDir } from '../helpers/temp.js';
import { ensureBuilt } from '../setup/build.js';

const PRELOAD = resolve(import.meta.dirname, '../fixtures/startup/report-builtins.cjs');
const PROXY_FIXTURES = resolve(import.meta.dirname, '../fixtures/proxy');
const ROOT = resolve(import.meta.dirname, '../..');

let emu: TestEmulator;

beforeAll(async () => {
  ensureBuilt();
  emu = await startTestEmulator();
  await emu.op('POST', '/devices', { serialNo: 'BOOT0001', kind: 'terminal' });
});
afterAll(() => emu.close());

/** Runs the CLI with the preload; its exit code, stdout, the built-in modules and the files it loaded. */
async function runLoaded(
  argv: string[],
  env: Record<string, string> = {},
): Promise<{
  code: number;
  stdout: string;
  stderr: string;
  builtins: string[];
  files: string[];
  compiled: Map<string, string>;
}> {
  const res = await spawnCli(argv, {
    nodeArgs: ['--require', PRELOAD],
    // NODE_DEBUG=facetctl: bin/load-cli.cjs says how it compiled dist/cli/main.cjs.
    env: { FACETCTL_HOST: emu.url, FACETCTL_TOKEN: emu.token, NODE_DEBUG: 'facetctl', ...env },
  });
  const report = (label: string) => {
    const line = res.stderr.split('\n').find((l) => l.startsWith(`${label} `));
    if (line === undefined) throw new Error(`no ${label} report: ${res.stderr}`);
    return line.slice(label.length + 1).split(',');
  };
  // "FACETCTL <pid>: <path>/dist/cli/<name> compiled <how>": each script of dist/cli/ the run compiled.
  const compiled = new Map(
    [...res.stderr.matchAll(/^FACETCTL \d+: .*\/dist\/cli\/(\S+) compiled (.*)$/gm)].map((m) => [m[1], m[2]]),
  );
  const stderr = res.stderr
    .split('\n')
    .filter((l) => !/^FACETCTL \d+:|^LOADED-/.test(l))
    .join('\n')
    .trim();
  return {
    code: res.code,
    stdout: res.stdout,
    stderr,
    builtins: report('LOADED-BUILTINS'),
    files: report('LOADED-FILES'),
    compiled,
  };
}

/**
 * dist/cli/undici.cjs: undici's client and the llhttp parser (WebAssembly) that every undici request
 * needs, bundled apart from the CLI by scripts/build-cli.mjs, compiled on first use with its own code
 * cache (bin/load-cli.cjs).
 */
const loadsUndici = (compiled: Map<string, string>) => compiled.has('undici.cjs');

describe('start-up: the built-ins a one-shot run loads', () => {
  it('the root help loads neither crypto nor fs/promises', async () => {
    // FORCE_COLOR makes the launcher render the help the full way, not print its saved copy
    // (test/e2e/root-help-snapshot.test.ts): a terminal's help goes that way.
    const { code, stdout, builtins } = await runLoaded(['--help'], { FORCE_COLOR: '0' });
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: facetctl');
    expect(builtins).not.toContain('crypto');
    expect(builtins).not.toContain('fs/promises');
    expect(builtins).not.toContain('http2');
  });

  it('one API call (device list) sent directly loads node:http, not undici, nor node:http2 nor WebCrypto', async () => {
    const { code, stdout, builtins, files, compiled } = await runLoaded(['device', 'list', '-o', 'json']);
    expect(code).toBe(0);
    expect(stdout).toContain('BOOT0001');
    expect(builtins).toContain('net'); // the report does list the built-ins by name
    expect(builtins).toContain('_http_client');
    expect(builtins).not.toContain('http2');
    expect(builtins).not.toContain('internal/crypto/webcrypto');
    // It hashes nothing and writes no file: node:crypto is loaded on first use (core/node-crypto.ts).
    expect(builtins).not.toContain('crypto');
    // Nor node:fs/promises (core/input-file.ts and core/safe-file.ts load it on first use) nor
    // node:child_process (commander's, for executable subcommands: scripts/commander-child-process-lazy.cjs).
    expect(builtins).not.toContain('fs/promises');
    expect(builtins).not.toContain('child_process');
    // Nor perf_hooks: durations are timed with the Context's monotonicMs (process.hrtime), not the
    // global `performance`, whose first use loads it.
    expect(builtins).not.toContain('perf_hooks');
    expect(files.some((f) => f.endsWith('/bin/load-cli.cjs'))).toBe(true); // the report does list files
    expect(loadsUndici(compiled)).toBe(false);
    // The CLI was compiled with the build's code cache, not rejected (same Node, same V8 flags).
    expect(compiled.get('main.cjs')).toBe('with the code cache');
  });
});

describe('start-up: the code cache (bin/load-cli.cjs)', () => {
  it('a V8 flag that does not match the cache: V8 refuses the cache, the CLI is compiled from source and answers the same', async () => {
    const plain = await runLoaded(['device', 'list', '-o', 'json']);
    // Any V8 flag changes V8's flag hash, which the cache was made under (as NODE_OPTIONS would).
    const res = await spawnCli(['device', 'list', '-o', 'json'], {
      nodeArgs: ['--max-lazy'],
      env: { FACETCTL_HOST: emu.url, FACETCTL_TOKEN: emu.token, NODE_DEBUG: 'facetctl' },
    });
    expect(res.stderr).toMatch(/main\.cjs compiled from source: code cache rejected/);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(plain.stdout);
  });

  it('a cache is only given to the build it was made from: another build id, and the CLI compiles from source', async () => {
    // A copy of the package whose main.cjs names another build (as after a rebuild that left an old cache).
    const copy = tempDir('facetctl-build-id-');
    for (const part of ['bin', 'dist', 'package.json'])
      cpSync(resolve(ROOT, part), resolve(copy, part), { recursive: true });
    symlinkSync(resolve(ROOT, 'node_modules'), resolve(copy, 'node_modules'));
    const main = resolve(copy, 'dist/cli/main.cjs');
    const source = readFileSync(main, 'latin1');
    expect(source).toMatch(/^\/\/ facetctl build [0-9a-f]{16}\n/);
    writeFileSync(
      main,
      source.replace(/^\/\/ facetctl build [0-9a-f]{16}/, '// facetctl build 0123456789abcdef'),
      'latin1',
    );
    const res = await spawnCli(['device', 'list', '-o', 'json'], {
      bin: resolve(copy, 'bin/facetctl.js'),
      env: { FACETCTL_HOST: emu.url, FACETCTL_TOKEN: emu.token, NODE_DEBUG: 'facetctl' },
    });
    expect(res.stderr).toMatch(/main\.cjs compiled without a code cache/);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('BOOT0001');
  });
});

/**
 * A cloud reached through HTTPS_PROXY: the one-shot command goes through undici's ProxyAgent (node:http
 * has no proxy support on Node 20), with the private CA inside the tunnel. The proxy sends every
 * tunnel to an https front (certificate for facet.example.test) that passes requests to the emulator.
 */
describe('start-up: device list through a proxy', () => {
  const servers: Server[] = [];
  let tunnels: () => string[] = () => [];
  let front = 0;
  let proxyUrl = '';

  const listen = async (server: Server): Promise<number> => {
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return (server.address() as AddressInfo).port;
  };

  beforeAll(async () => {
    const target = new URL(emu.url);
    const https = createHttpsServer(
      {
        key: readFileSync(resolve(PROXY_FIXTURES, 'facet-example-test-key.pem')),
        cert: readFileSync(resolve(PROXY_FIXTURES, 'facet-example-test-cert.pem')),
      },
      (req, res) => {
        const upstream = httpRequest(
          { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        req.pipe(upstream);
      },
    );
    front = await listen(https);
    // Every tunnel, whatever host it names, goes to the https front.
    const proxy = await startTestProxy({ route: () => ({ host: '127.0.0.1', port: front }) });
    servers.push(proxy.server);
    tunnels = proxy.tunnels;
    proxyUrl = proxy.url;
  });
  afterAll(async () => {
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });

  it('works through HTTPS_PROXY with --ca-cert, on undici (ProxyAgent), still without node:http2', async () => {
    const earlier = tunnels().length;
    const host = `facet.example.test:${front}`;
    const { code, stdout, stderr, builtins, compiled } = await runLoaded(
      ['device', 'list', '-o', 'json', '--ca-cert', resolve(PROXY_FIXTURES, 'facet-example-test-cert.pem')],
      { FACETCTL_HOST: `https://${host}/api1`, HTTPS_PROXY: proxyUrl, NO_PROXY: '' },
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout).map((d: { serialNo: string }) => d.serialNo)).toEqual(['BOOT0001']);
    expect(tunnels().slice(earlier)).toEqual([host]);
    // undici.cjs with its own code cache: it is loaded before src/cli.ts changes V8's flags.
    expect(compiled.get('undici.cjs')).toBe('with the code cache');
    expect(compiled.get('main.cjs')).toBe('with the code cache');
    expect(builtins).not.toContain('http2');
  });

  it('without --ca-cert the certificate is not trusted, through the proxy as directly (exit 1)', async () => {
    const { code, stderr } = await runLoaded(['device', 'list', '-o', 'json', '--retries', '0'], {
      FACETCTL_HOST: `https://facet.example.test:${front}/api1`,
      HTTPS_PROXY: proxyUrl,
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/the TLS certificate of facet\.example\.test:\d+ is not trusted .*--ca-cert/);
  });
});
