/**
 * `config export`, `config diff` and `config apply`: settings backups per device, the differences
 * between a backup and a device, and applying a backup (only the keys that differ, validated against
 * the documented ranges before anything is sent).
 */
import { join } from 'node:path';
import { RuntimeError, UsageError, ValidationError } from '../../core/errors.js';
import { tryReadInputFile } from '../../core/input-file.js';
import { validateWire, type WireParams } from '../../core/params/index.js';
import { settleLimited } from '../../core/pool.js';
import { ensureDir, type ProcessProbe, writeFileAtomic } from '../../core/safe-file.js';
import { configKeys, type EndpointId } from '../../registry/index.js';
import { type ConfigDifference, diffConfig, wireValue } from './config-diff.js';
import { type ExportClient, endpoint } from './export-client.js';
import { safeName } from './picture-saver.js';

export interface ConfigExportItem {
  serialNo: string;
  config: 'ok' | string;
  configBin: 'ok' | string;
  logo: 'ok' | string;
}

async function binary(client: ExportClient, id: EndpointId, serialNo: string, signal?: AbortSignal): Promise<Buffer> {
  const answer = await client.call(endpoint(id), { serialNo }, { signal });
  if (answer.kind === 'binary' && answer.data) return answer.data;
  const body = answer.kind === 'json' ? JSON.stringify(answer.body) : 'no data';
  throw new RuntimeError(`${id} answered without a file: ${body}`);
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message.replace(/\n/g, '; ') : String(err);
}

/** One folder per device: config.json (getConfig), config.bin (exportConfig), logo.png (getLogo). */
export async function exportConfigs(
  client: ExportClient,
  serials: readonly string[],
  dir: string,
  owner: ProcessProbe,
  signal?: AbortSignal,
  fault?: (step: 'after-rename') => void,
): Promise<ConfigExportItem[]> {
  // A folder that cannot be made fails once, before any device is asked.
  await ensureDir(dir);
  const results = await settleLimited(serials, 4, async (serialNo) => {
    const folder = join(dir, safeName(serialNo));
    await ensureDir(folder);
    const item: ConfigExportItem = { serialNo, config: 'ok', configBin: 'ok', logo: 'ok' };
    const step = async (field: 'config' | 'configBin' | 'logo', save: () => Promise<void>) => {
      try {
        await save();
      } catch (err) {
        if (signal?.aborted) throw err;
        item[field] = describe(err);
      }
    };
    await step('config', async () => {
      const config = await client.json(endpoint('config.getConfig'), { serialNo }, { signal });
      await writeFileAtomic(owner, join(folder, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
      fault?.('after-rename');
    });
    await step('configBin', async () =>
      writeFileAtomic(owner, join(folder, 'config.bin'), await binary(client, 'system.exportConfig', serialNo, signal)),
    );
    await step('logo', async () =>
      writeFileAtomic(owner, join(folder, 'logo.png'), await binary(client, 'config.getLogo', serialNo, signal)),
    );
    return item;
  });
  return results.map((r, i) =>
    r.status === 'fulfilled'
      ? r.value
      : { serialNo: serials[i], config: describe(r.reason), configBin: describe(r.reason), logo: describe(r.reason) },
  );
}

export function exportItemFailed(item: ConfigExportItem): boolean {
  return item.config !== 'ok' || item.configBin !== 'ok' || item.logo !== 'ok';
}

/** A config file: a JSON object of key → value (what `config export` writes as config.json). */
export async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  const got = await tryReadInputFile(path);
  if (!got.ok) throw new UsageError(`cannot read ${path}: ${got.reason}`);
  const text = got.bytes.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new UsageError(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`${path} must hold a JSON object of settings (as config.json from \`config export\`)`);
  }
  return parsed as Record<string, unknown>;
}

/**
 * The settable keys of `file` whose value differs on the device (getConfig), and apart the read-only
 * keys that differ (MAC address, firmware…: `config apply` cannot change them, so they are not
 * differences to act on; a backup of another device always differs there).
 */
export async function diffWithDevice(
  client: ExportClient,
  file: Record<string, unknown>,
  serialNo: string,
  signal?: AbortSignal,
): Promise<ConfigDifference[] & { readOnly?: ConfigDifference[] }> {
  const device = await client.json<Record<string, unknown>>(endpoint('config.getConfig'), { serialNo }, { signal });
  const keys = new Map(configKeys.map((k) => [k.name, k]));
  const all = diffConfig(file, device);
  const settable: ConfigDifference[] & { readOnly?: ConfigDifference[] } = all.filter(
    (d) => keys.get(d.key)?.settable !== false,
  );
  settable.readOnly = all.filter((d) => keys.get(d.key)?.settable === false);
  return settable;
}

export interface ApplyPlan {
  /** Settable keys of the file, as wire strings. */
  settable: Record<string, string>;
  /** The same keys with the values as in the file (a number stays a number), for the report. */
  values: Record<string, unknown>;
  /** Read-only keys present in the file: ignored (a backup of getConfig always contains them). */
  readOnly: string[];
}

/**
 * Check the whole file before any device is touched: unknown keys and values outside the documented
 * ranges are a usage error (exit 2, nothing sent); read-only keys are set aside.
 */
export function planApply(file: Record<string, unknown>): ApplyPlan {
  const keys = new Map(configKeys.map((k) => [k.name, k]));
  const settable: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const readOnly: string[] = [];
  const unknown: string[] = [];
  for (const [name, value] of Object.entries(file)) {
    if (name === 'serialNo') continue;
    const key = keys.get(name);
    if (!key) unknown.push(name);
    else if (!key.settable) readOnly.push(name);
    else {
      settable[name] = wireValue(value);
      values[name] = value;
    }
  }
  const fields = unknown.map((name) => ({ name, message: 'is not a setting the API knows (check the spelling)' }));
  const issues = validateWire(endpoint('config.setConfig'), { serialNo: 'x', ...settable });
  for (const i of issues) fields.push({ name: i.name, message: i.message });
  if (fields.length > 0) throw new ValidationError(fields);
  return { settable, values, readOnly };
}

export interface ApplyOutcome {
  serialNo: string;
  changes: ConfigDifference[];
  updated: string[];
  errored: string[];
  error?: string;
}

export async function applyConfig(
  client: ExportClient,
  plan: ApplyPlan,
  serials: readonly string[],
  opts: { dryRun: boolean; signal?: AbortSignal },
): Promise<ApplyOutcome[]> {
  const results = await settleLimited(serials, 4, async (serialNo) => {
    // The file's own values, so the report shows `"file": 60` as `config diff` does, not the wire's "60".
    const changes = await diffWithDevice(client, plan.values, serialNo, opts.signal);
    const outcome: ApplyOutcome = { serialNo, changes, updated: [], errored: [] };
    if (opts.dryRun || changes.length === 0) return outcome;
    const wire: WireParams = { serialNo };
    for (const c of changes) wire[c.key] = plan.settable[c.key];
    const answer = await client.json<{ updated?: string[]; errored?: string[] }>(endpoint('config.setConfig'), wire, {
      signal: opts.signal,
    });
    outcome.updated = answer.updated ?? [];
    outcome.errored = answer.errored ?? [];
    return outcome;
  });
  return results.map((r, i) =>
    r.status === 'fulfilled'
      ? r.value
      : { serialNo: serials[i], changes: [], updated: [], errored: [], error: describe(r.reason) },
  );
}
