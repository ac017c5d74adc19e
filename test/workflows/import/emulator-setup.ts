/** The emulator side of import tests: devices, running the workflow, and a comparable snapshot of the state. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createClient, type FacetClient } from '../../../src/core/client.js';
import { endpointById } from '../../../src/registry/index.js';
import { type ImportOptions, type ImportResult, importPersons } from '../../../src/workflows/import/import-persons.js';
import { startTestEmulator, type TestEmulator } from '../../helpers/emulator.js';

export const SERIALS = ['EMU0001', 'EMU0002', 'EMU0003', 'EMU0004'];

export interface DevicesOptions {
  faces?: 'off' | 'basic';
  latencyMs?: number;
  serials?: string[];
  /** Run the emulator in a child process (the heavy tests: it and the importer each get a CPU). */
  child?: boolean;
}

function withOp(handle: { origin: string; token: string }) {
  return async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${handle.origin}/_emulator${path}`, {
      method,
      headers: { 'ds-api-token': handle.token, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
}

/** The emulator in a child process (tsx runs its TypeScript), closed by closing its stdin. */
export async function childEmulator(opts: { faces: string; latencyMs: number }): Promise<TestEmulator> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'emulator-child.ts'), JSON.stringify(opts)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.once('line', (l) => {
      rl.close();
      resolve(l);
    });
    child.once('exit', (code) => reject(new Error(`emulator child exited with ${code}`)));
  });
  const info = JSON.parse(line) as { url: string; origin: string; token: string };
  const closed = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    ...info,
    senselink: { baseUrl: info.origin, appKey: '', appSecret: '' },
    op: withOp(info),
    close: async () => {
      child.stdin.end();
      await closed;
    },
  };
}

export async function emulatorWithDevices(opts: DevicesOptions = {}): Promise<TestEmulator> {
  const settings = { faces: opts.faces ?? 'off', latencyMs: opts.latencyMs ?? 1 };
  const emu = opts.child ? await childEmulator(settings) : await startTestEmulator(settings);
  for (const serialNo of opts.serials ?? SERIALS) {
    const res = await emu.op('POST', '/devices', { serialNo, latencyMs: opts.latencyMs ?? 1 });
    if (res.status !== 201) throw new Error(`cannot create ${serialNo}: ${JSON.stringify(res.body)}`);
  }
  return emu;
}

export function clientFor(emu: TestEmulator): FacetClient {
  return createClient({ baseUrl: emu.url, token: emu.token });
}

/** Runs the workflow as the command would, with test defaults. */
export async function runWorkflow(
  emu: TestEmulator,
  csvPath: string,
  more: Partial<ImportOptions> = {},
): Promise<ImportResult> {
  const client = clientFor(emu);
  try {
    return await importPersons({
      csvPath,
      ignoreUnknownColumns: false,
      serials: [],
      fixPictures: false,
      skipInvalid: false,
      dryRun: false,
      remoteCheck: true,
      override: true,
      noImage: false,
      concurrency: 8,
      journalPath: `${csvPath}.facetctl-journal.ndjson`,
      freshJournal: false,
      target: async () => emu.url,
      now: () => new Date(),
      signal: new AbortController().signal,
      client: async () => client,
      retry: { baseMs: 5, capMs: 50 },
      ...more,
    });
  } finally {
    await client.close();
  }
}

/** The paths the emulator was asked for since the last clear (operator calls excluded). */
export async function requestedPaths(emu: TestEmulator): Promise<string[]> {
  const res = await emu.op('GET', '/requests');
  return (res.body.requests as { path: string }[]).map((r) => r.path).filter((p) => !p.startsWith('/_emulator'));
}

const ep = (id: string) => endpointById(id)!;

/** A row of a person list answer, as far as the snapshot reads it. */
interface PersonListRow {
  personCode: string;
  personName?: string;
  sex?: string;
  birthday?: string;
  memo?: string;
  serialNos?: string[];
}

async function allPages(client: FacetClient, id: string, wire: Record<string, string>): Promise<PersonListRow[]> {
  const rows: PersonListRow[] = [];
  for await (const page of client.pages(ep(id), wire)) rows.push(...(page.list ?? []));
  return rows;
}

function byCode<T extends { personCode: string }>(list: T[]): T[] {
  return [...list].sort((a, b) => a.personCode.localeCompare(b.personCode));
}

/**
 * What an import leaves behind, in a form two emulators can be compared by: persons in the cloud,
 * persons on each device (with their access times), and each person's access times and cards in the
 * cloud. Orders and URLs that legitimately differ between runs are left out.
 */
export async function snapshot(emu: TestEmulator, serials = SERIALS, withDetails = true): Promise<unknown> {
  const client = clientFor(emu);
  try {
    const cloud = byCode(await allPages(client, 'person.getPersonFromCloud', {})).map((p) => ({
      personCode: p.personCode,
      personName: p.personName,
      sex: p.sex,
      birthday: p.birthday,
      memo: p.memo,
      serialNos: [...(p.serialNos ?? [])].sort(),
    }));
    const devices: Record<string, unknown[]> = {};
    for (const serialNo of serials) {
      devices[serialNo] = byCode(await allPages(client, 'person.getPersonFromDevice', { serialNo }));
    }
    const details: Record<string, unknown> = {};
    if (withDetails) {
      for (const p of cloud) {
        const personCode = p.personCode;
        const [access, cards] = await Promise.all([
          client.json(ep('person.getPersonAcessTimeFromCloud'), { personCode }),
          client.json(ep('person.getPersonCardInfoFromCloud'), { personCode }),
        ]);
        details[personCode] = { access, cards };
      }
    }
    return { cloud, devices, details };
  } finally {
    await client.close();
  }
}
