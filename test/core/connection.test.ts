import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  assertSafeScheme,
  clientConfigFor,
  isLoopbackHost,
  normaliseBaseUrl,
  resolveConnection,
} from '../../src/core/connection.js';
import { UsageError } from '../../src/core/errors.js';
import { saveProfile, useProfile } from '../../src/core/profiles.js';
import { testContext } from './test-context.js';

describe('normaliseBaseUrl', () => {
  it.each([
    ['facet.example.com', 'https://facet.example.com/api1'],
    ['facet.example.com:8443', 'https://facet.example.com:8443/api1'],
    ['http://127.0.0.1:8080/api1', 'http://127.0.0.1:8080/api1'],
    ['http://127.0.0.1:8080/api1/', 'http://127.0.0.1:8080/api1'],
    ['https://facet.example.com/api1//', 'https://facet.example.com/api1'],
    ['  https://FACET.example.com/custom/api1 ', 'https://facet.example.com/custom/api1'],
    ['[::1]:8080', 'https://[::1]:8080/api1'],
  ])('%s → %s', (input, expected) => {
    expect(normaliseBaseUrl(input)).toBe(expected);
  });

  it('rejects empty, non-http and credential-carrying hosts', () => {
    expect(() => normaliseBaseUrl('')).toThrow(UsageError);
    expect(() => normaliseBaseUrl('ftp://x/api1')).toThrow(/unsupported scheme/);
    expect(() => normaliseBaseUrl('https://u:p@x/api1')).toThrow(UsageError);
    expect(() => normaliseBaseUrl('https://x/api1?ds-api-token=t')).toThrow(UsageError);
  });
});

describe('plain http', () => {
  it('is allowed to loopback hosts only, unless --insecure-http', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('127.8.9.10')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('localhost')).toBe(true);
    expect(isLoopbackHost('10.0.0.1')).toBe(false);
    expect(isLoopbackHost('127.example.com')).toBe(false);
    expect(() => assertSafeScheme('http://127.0.0.1:8080/api1', false)).not.toThrow();
    expect(() => assertSafeScheme('http://facet.example.com/api1', false)).toThrow(/--insecure-http/);
    expect(() => assertSafeScheme('http://facet.example.com/api1', true)).not.toThrow();
    expect(() => assertSafeScheme('https://facet.example.com/api1', false)).not.toThrow();
  });
});

describe('resolveConnection precedence', () => {
  async function setup(env: Record<string, string> = {}) {
    const ctx = testContext({ env });
    await saveProfile(ctx, { name: 'active', host: 'active.example.com', token: 'active-token' });
    await saveProfile(ctx, {
      name: 'named',
      host: 'named.example.com',
      token: 'named-token',
      senselink: { baseUrl: 'https://sl-named.example.com/', appKey: 'nk', appSecret: 'ns' },
    });
    await useProfile(ctx, 'active');
    return ctx;
  }

  it.each([
    // [description, env, flags, expected host, expected token, expected profile]
    ['active profile alone', {}, {}, 'https://active.example.com/api1', 'active-token', 'active'],
    [
      'FACETCTL_PROFILE over the active one',
      { FACETCTL_PROFILE: 'named' },
      {},
      'https://named.example.com/api1',
      'named-token',
      'named',
    ],
    [
      'env host/token over the active profile',
      { FACETCTL_HOST: 'env.example.com', FACETCTL_TOKEN: 'env-token' },
      {},
      'https://env.example.com/api1',
      'env-token',
      'active',
    ],
    [
      'env host over FACETCTL_PROFILE',
      { FACETCTL_PROFILE: 'named', FACETCTL_HOST: 'env.example.com' },
      {},
      'https://env.example.com/api1',
      'named-token',
      'named',
    ],
    [
      '--profile over env host/token',
      { FACETCTL_HOST: 'env.example.com', FACETCTL_TOKEN: 'env-token' },
      { profile: 'named' },
      'https://named.example.com/api1',
      'named-token',
      'named',
    ],
    [
      '--host and --token-stdin over everything',
      { FACETCTL_HOST: 'env.example.com', FACETCTL_TOKEN: 'env-token' },
      { profile: 'named', host: 'flag.example.com', token: 'flag-token' },
      'https://flag.example.com/api1',
      'flag-token',
      'named',
    ],
  ] as const)('%s', async (_d, env, flags, host, token, profile) => {
    const ctx = await setup({ ...env });
    const conn = await resolveConnection(ctx, { ...flags });
    expect(conn.baseUrl).toBe(host);
    expect(conn.token).toBe(token);
    expect(conn.profile).toBe(profile);
  });

  it('takes SenseLink settings from the profile, overridable by the environment', async () => {
    const ctx = await setup({ FACETCTL_PROFILE: 'named', FACETCTL_SENSELINK_APP_KEY: 'env-key' });
    const conn = await resolveConnection(ctx);
    expect(conn.senselink).toEqual({ baseUrl: 'https://sl-named.example.com', appKey: 'env-key', appSecret: 'ns' });
  });

  it('says clearly when nothing is configured or a profile does not exist', async () => {
    const empty = testContext();
    await expect(resolveConnection(empty)).rejects.toThrow(
      'no host configured: run `facetctl profile add` or set FACETCTL_HOST',
    );
    const hostOnly = testContext({ env: { FACETCTL_HOST: 'h.example.com' } });
    await expect(resolveConnection(hostOnly)).rejects.toThrow(/no token configured/);
    const ctx = await setup();
    await expect(resolveConnection(ctx, { profile: 'ghost' })).rejects.toThrow(/no profile named 'ghost'/);
    await expect(resolveConnection(empty, { senselinkOnly: true })).rejects.toThrow(/SenseLink is not configured/);
  });

  it('refuses plain http to a remote host unless insecure http is asked for', async () => {
    const ctx = testContext({ env: { FACETCTL_HOST: 'http://facet.example.com/api1', FACETCTL_TOKEN: 't' } });
    await expect(resolveConnection(ctx)).rejects.toThrow(/--insecure-http/);
    const conn = await resolveConnection(ctx, { insecureHttp: true });
    expect(conn.insecureHttp).toBe(true);
    expect(conn.baseUrl).toBe('http://facet.example.com/api1');
  });

  it('reads the --ca-cert file relative to the working directory', async () => {
    const ctx = testContext({ env: { FACETCTL_HOST: 'h.example.com', FACETCTL_TOKEN: 't' } });
    const dir = ctx.env.FACETCTL_CONFIG_DIR!;
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    writeFileSync(join(dir, 'ca.pem'), pem);
    const conn = await resolveConnection({ ...ctx, cwd: dir }, { caCert: 'ca.pem' });
    expect(conn.caCert).toBe(pem);
    // A missing file is a bad flag: exit 2, nothing sent.
    const missing = resolveConnection({ ...ctx, cwd: dir }, { caCert: 'missing.pem' });
    await expect(missing).rejects.toBeInstanceOf(UsageError);
    await expect(missing).rejects.toThrow(/--ca-cert missing\.pem: cannot read the CA certificate: no such file/);
    writeFileSync(join(dir, 'bad.pem'), 'hello');
    await expect(resolveConnection({ ...ctx, cwd: dir }, { caCert: 'bad.pem' })).rejects.toBeInstanceOf(UsageError);
  });

  it('passes proxies from the context environment to the client config', async () => {
    const ctx = testContext({
      env: {
        FACETCTL_HOST: 'h.example.com',
        FACETCTL_TOKEN: 't',
        HTTPS_PROXY: 'http://proxy:3128',
        NO_PROXY: 'localhost',
      },
    });
    const cfg = clientConfigFor(ctx, await resolveConnection(ctx), { retries: 1 });
    expect(cfg.proxy).toEqual({ httpProxy: '', httpsProxy: 'http://proxy:3128', noProxy: 'localhost' });
    expect(cfg.retries).toBe(1);
    expect(cfg.token).toBe('t');
  });

  it.each(['node', 'undici', undefined] as const)(
    'hands the context engine (%s) to the client config',
    async (httpEngine) => {
      const ctx = { ...testContext({ env: { FACETCTL_HOST: 'h.example.com', FACETCTL_TOKEN: 't' } }), httpEngine };
      expect(clientConfigFor(ctx, await resolveConnection(ctx)).httpEngine).toBe(httpEngine);
    },
  );
});
