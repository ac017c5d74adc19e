/**
 * Saved connection profiles, in one JSON file under the OS config dir (or `FACETCTL_CONFIG_DIR`),
 * readable by the owner only (file 0600, directory 0700).
 *
 * Writes go through `conf` (atomic write, file mode). Reads parse the file directly: every API call
 * reads the active profile, and loading `conf` (with its schema validator) would add ~80 ms to each
 * cron run for nothing.
 */
import { chmodSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { homedir, platform } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { type Context, note } from './context.js';
import { envValue } from './environment.js';
import { RuntimeError, UsageError } from './errors.js';

export interface SenselinkSettings {
  baseUrl: string;
  appKey: string;
  appSecret: string;
}

export interface Profile {
  name: string;
  /** Bare host, `HOST:PORT`, or a full base URL. */
  host: string;
  token: string;
  insecureHttp?: boolean;
  /** Path to a PEM file with the private CA(s) to trust. */
  caCert?: string;
  senselink?: SenselinkSettings;
  /** The cloud's IANA time zone for this site (default Asia/Tokyo); see core/dates.ts. */
  timezone?: string;
}

interface Store {
  active?: string;
  profiles?: Record<string, Omit<Profile, 'name'>>;
}

const CONFIG_NAME = 'config';
const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The directory holding `config.json`: `FACETCTL_CONFIG_DIR`, else the OS's per-user config dir. */
export function configDir(ctx: Context): string {
  const override = envValue(ctx.env, 'FACETCTL_CONFIG_DIR');
  if (override) return override;
  const home = envValue(ctx.env, 'HOME') || homedir();
  switch (platform()) {
    case 'win32':
      return join(envValue(ctx.env, 'APPDATA') || join(home, 'AppData', 'Roaming'), 'facetctl', 'Config');
    case 'darwin':
      return join(home, 'Library', 'Preferences', 'facetctl');
    default:
      return join(envValue(ctx.env, 'XDG_CONFIG_HOME') || join(home, '.config'), 'facetctl');
  }
}

export function profilesFile(ctx: Context): string {
  return join(configDir(ctx), `${CONFIG_NAME}.json`);
}

function readStore(ctx: Context): Store {
  const file = profilesFile(ctx);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new RuntimeError(`cannot read the profiles file ${file}: ${(err as Error).message}`);
  }
  if (!text.trim()) return {};
  warnIfOpen(ctx, file);
  try {
    const parsed = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    throw new RuntimeError(`the profiles file ${file} is not valid JSON: fix or remove it`);
  }
}

/** Files already warned about, per run (every API call reads the store). */
const warnedIn = new WeakMap<Context, Set<string>>();

/**
 * As ssh does for its keys, a warning (not a refusal: the next `profile` change makes the file 0600
 * again) when the profiles file, which holds tokens, is readable by others, or its folder writable by
 * others (who could then replace it). POSIX permission bits only: Windows reports none that mean this.
 */
function warnIfOpen(ctx: Context, file: string): void {
  const warned = warnedIn.get(ctx) ?? new Set<string>();
  warnedIn.set(ctx, warned);
  if (warned.has(file) || platform() === 'win32') return;
  warned.add(file);
  try {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) {
      note(
        ctx,
        `warning: the profiles file ${file} holds tokens and is open to others (mode ${mode.toString(8).padStart(4, '0')}): chmod 600 it`,
      );
    }
    const dirMode = statSync(dirname(file)).mode & 0o7777;
    // The sticky bit (/tmp's 1777) keeps others from replacing a file they do not own.
    if (dirMode & 0o022 && !(dirMode & 0o1000)) {
      note(
        ctx,
        `warning: the folder ${dirname(file)} of the profiles file is writable by others (mode ${dirMode.toString(8).padStart(4, '0')}): chmod 700 it`,
      );
    }
  } catch {
    // Read a moment ago; a race with its removal is not worth a warning.
  }
}

async function writeStore(ctx: Context, store: Store): Promise<void> {
  const dir = configDir(ctx);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { default: Conf } = await import('conf');
  const conf = new Conf<Store>({
    cwd: dir,
    configName: CONFIG_NAME,
    configFileMode: 0o600,
    accessPropertiesByDotNotation: false,
  });
  conf.store = store;
  // conf keeps a file's existing mode; a file created or copied by someone else must become private too.
  chmodSync(conf.path, 0o600);
}

function checkName(name: string): void {
  if (!PROFILE_NAME.test(name)) {
    throw new UsageError(
      `invalid profile name '${name}': use letters, digits, '.', '_' or '-' (at most 64, starting with a letter or digit)`,
    );
  }
}

export async function listProfiles(ctx: Context): Promise<Profile[]> {
  const store = readStore(ctx);
  return Object.entries(store.profiles ?? {})
    .map(([name, p]) => ({ ...p, name }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export async function getProfile(ctx: Context, name: string): Promise<Profile | undefined> {
  const p = readStore(ctx).profiles?.[name];
  return p ? { ...p, name } : undefined;
}

/**
 * Adds or replaces a profile. The first profile saved becomes the active one. A relative CA file
 * path is stored absolute, so the profile works from any directory.
 */
export async function saveProfile(ctx: Context, profile: Profile): Promise<void> {
  checkName(profile.name);
  const store = readStore(ctx);
  const { name, ...rest } = profile;
  if (rest.caCert && !isAbsolute(rest.caCert)) rest.caCert = resolve(ctx.cwd, rest.caCert);
  const profiles = { ...(store.profiles ?? {}), [name]: rest };
  await writeStore(ctx, { ...store, profiles, active: store.active ?? name });
}

/** Removes a profile; removing the active one leaves no active profile. */
export async function removeProfile(ctx: Context, name: string): Promise<void> {
  const store = readStore(ctx);
  if (!store.profiles?.[name]) throw new UsageError(`no profile named '${name}'`);
  const { [name]: _removed, ...profiles } = store.profiles;
  const next: Store = { ...store, profiles };
  if (next.active === name) delete next.active;
  await writeStore(ctx, next);
}

export async function useProfile(ctx: Context, name: string): Promise<void> {
  const store = readStore(ctx);
  if (!store.profiles?.[name]) throw new UsageError(`no profile named '${name}': see \`facetctl profile list\``);
  await writeStore(ctx, { ...store, active: name });
}

export async function activeProfileName(ctx: Context): Promise<string | undefined> {
  const store = readStore(ctx);
  return store.active && store.profiles?.[store.active] ? store.active : undefined;
}

/** `••••Ab12`: enough to tell tokens apart, never enough to use one. */
export function maskToken(token: string): string {
  if (!token) return '';
  return token.length >= 12 ? `••••${token.slice(-4)}` : '••••';
}
