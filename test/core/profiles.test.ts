import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import {
  activeProfileName,
  configDir,
  getProfile,
  listProfiles,
  maskToken,
  profilesFile,
  removeProfile,
  saveProfile,
  useProfile,
} from '../../src/core/profiles.js';
import { tempDir } from '../helpers/temp.js';
import { testContext } from './test-context.js';

const TOKEN = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCdEfGhIjKlMnOpQrStUvWx1234';

describe('profiles store', () => {
  it('saves, lists, switches and removes profiles; the first saved becomes active', async () => {
    const ctx = testContext();
    expect(await listProfiles(ctx)).toEqual([]);
    expect(await activeProfileName(ctx)).toBeUndefined();
    await saveProfile(ctx, { name: 'prod', host: 'facet.example.com', token: TOKEN });
    await saveProfile(ctx, {
      name: 'lab',
      host: 'http://127.0.0.1:8080/api1',
      token: 'x'.repeat(64),
      senselink: { baseUrl: 'https://link.example.com', appKey: 'k', appSecret: 's' },
    });
    expect((await listProfiles(ctx)).map((p) => p.name)).toEqual(['lab', 'prod']);
    expect(await activeProfileName(ctx)).toBe('prod');
    await useProfile(ctx, 'lab');
    expect(await activeProfileName(ctx)).toBe('lab');
    expect((await getProfile(ctx, 'lab'))?.senselink?.appKey).toBe('k');
    await removeProfile(ctx, 'lab');
    expect(await activeProfileName(ctx)).toBeUndefined();
    expect(await getProfile(ctx, 'lab')).toBeUndefined();
    await expect(useProfile(ctx, 'lab')).rejects.toBeInstanceOf(UsageError);
    await expect(removeProfile(ctx, 'nope')).rejects.toBeInstanceOf(UsageError);
  });

  it('writes the file 0600 in a 0700 directory under FACETCTL_CONFIG_DIR', async () => {
    const ctx = testContext();
    const dir = `${ctx.env.FACETCTL_CONFIG_DIR}/nested`;
    const nested = { ...ctx, env: { ...ctx.env, FACETCTL_CONFIG_DIR: dir } };
    await saveProfile(nested, { name: 'prod', host: 'h', token: TOKEN });
    const file = profilesFile(nested);
    expect(dirname(file)).toBe(dir);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    // a file made world-readable by someone else is made private again on the next write
    chmodSync(file, 0o644);
    await saveProfile(nested, { name: 'prod', host: 'h2', token: TOKEN });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8')).profiles.prod.host).toBe('h2');
  });

  it('stores a relative CA file path as an absolute one', async () => {
    const ctx = { ...testContext(), cwd: '/srv/certs' };
    await saveProfile(ctx, { name: 'p', host: 'h', token: 't', caCert: 'ca.pem' });
    expect((await getProfile(ctx, 'p'))?.caCert).toBe('/srv/certs/ca.pem');
  });

  it('rejects bad profile names and reports a corrupt file clearly', async () => {
    const ctx = testContext();
    await expect(saveProfile(ctx, { name: '../x', host: 'h', token: 't' })).rejects.toBeInstanceOf(UsageError);
    writeFileSync(profilesFile(ctx), '{not json');
    await expect(listProfiles(ctx)).rejects.toThrow(/not valid JSON/);
  });

  it('uses the XDG config dir when FACETCTL_CONFIG_DIR is not set (Linux)', () => {
    const xdg = tempDir();
    const ctx = testContext({ env: { FACETCTL_CONFIG_DIR: undefined, XDG_CONFIG_HOME: xdg } });
    if (process.platform === 'linux') expect(configDir(ctx)).toBe(join(xdg, 'facetctl'));
  });

  it('masks tokens', () => {
    expect(maskToken(TOKEN)).toBe('••••1234');
    expect(maskToken(TOKEN)).not.toContain(TOKEN.slice(0, 8));
    expect(maskToken('short')).toBe('••••');
    expect(maskToken('')).toBe('');
  });
});
