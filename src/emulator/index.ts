/**
 * The embedded facetCloud + SenseLink emulator: `startEmulator(options)` serves `/api1/...`,
 * `/api/v1/plus/...`, signed picture URLs and the operator API `/_emulator/...` on plain node:http,
 * with its state in SQLite (in memory, or in a file that survives restarts).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { DEFAULT_CHECKIN_SECONDS, startCheckins, stopActivity } from './activity.js';
import type { Emu } from './emu.js';
import { ExclusiveLocks } from './exclusive.js';
import { createFaceAnalyzer } from './faces/index.js';
import { Faults } from './faults.js';
import { allHandlers } from './handlers/index.js';
import { createEmulatorServer } from './http-server.js';
import { Journal } from './journal.js';
import { setPageMemo } from './page-memo.js';
import { PictureSigner } from './pictures.js';
import { schedulePreliminary, stopPreliminary } from './preliminary.js';
import { seedDemo } from './seed-demo.js';
import { getMeta, openDb, setMeta, stmt } from './store.js';

export interface EmulatorOptions {
  port?: number;
  bind?: string;
  db?: string;
  seed?: 'demo' | 'none';
  token?: string;
  allowIp?: string[];
  faces?: 'detector' | 'basic' | 'off';
  latencyMs?: number;
  /** Network latency added to every API call, ms (default 0). */
  apiLatencyMs?: number;
  /** Default true: the person-type APIs answer. */
  entryExitMode?: boolean;
  /** Default false. */
  nameMasking?: boolean;
  maintenance?: boolean;
  /** Seconds between the simulated devices' check-ins (lastAccess), default 60. */
  checkinSeconds?: number;
  senselink?: { appKey?: string; appSecret?: string };
  log?: (line: string) => void;
  /**
   * Default true: log pages seek from rows remembered from recent pages (page-memo.ts). false: every
   * page runs the plain OFFSET query (the "before" of the benchmarks; same answers, slower deep pages).
   */
  pageMemo?: boolean;
}

export interface EmulatorHandle {
  /** `http://127.0.0.1:PORT/api1` */
  url: string;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  token: string;
  senselink: { baseUrl: string; appKey: string; appSecret: string };
  close(): Promise<void>;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 64 alphanumerics, mixed case, like the cloud's tokens. */
export function generateToken(length = 64): string {
  const bytes = randomBytes(length * 2);
  let out = '';
  for (let i = 0; out.length < length && i < bytes.length; i++) {
    if (bytes[i] < 248) out += ALNUM[bytes[i] % 62];
  }
  return out.length === length ? out : generateToken(length);
}

/** The token a database keeps (for `--print-token`), or undefined when none was stored yet. */
export async function readStoredToken(dbFile: string): Promise<string | undefined> {
  if (!existsSync(dbFile)) return undefined;
  const db = await openDb(dbFile);
  try {
    return getMeta(db, 'token');
  } finally {
    db.close();
  }
}

function metaOrCreate(db: Emu['db'], key: string, make: () => string, override?: string): string {
  if (override !== undefined) {
    setMeta(db, key, override);
    return override;
  }
  const stored = getMeta(db, key);
  if (stored !== undefined) return stored;
  const value = make();
  setMeta(db, key, value);
  return value;
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<EmulatorHandle> {
  // The analyzer first: an explicit `detector` that is not installed fails before any file is opened.
  const faces = await createFaceAnalyzer(opts.faces);
  const db = await openDb(opts.db);
  if (opts.pageMemo === false) setPageMemo(db, false);
  const token = metaOrCreate(db, 'token', () => generateToken(), opts.token);
  const secret = Buffer.from(
    metaOrCreate(db, 'signing-secret', () => randomBytes(32).toString('hex')),
    'hex',
  );
  const appKey = metaOrCreate(db, 'senselink-app-key', () => generateToken(24), opts.senselink?.appKey);
  const appSecret = metaOrCreate(db, 'senselink-app-secret', () => generateToken(32), opts.senselink?.appSecret);
  const log = opts.log ?? (() => {});
  const emu: Emu = {
    db,
    settings: {
      latencyMs: opts.latencyMs ?? 20,
      apiLatencyMs: opts.apiLatencyMs ?? 0,
      entryExitMode: opts.entryExitMode ?? true,
      nameMasking: opts.nameMasking ?? false,
      maintenance: opts.maintenance ?? false,
      allowIp: opts.allowIp ?? [],
      senselink: { appKey, appSecret },
    },
    token,
    origin: '',
    faces,
    signer: new PictureSigner(secret),
    locks: new ExclusiveLocks(),
    faults: new Faults(),
    journal: new Journal(),
    failAfter: new Map(),
    log,
    sleep: (ms) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve()),
  };
  // The demo goes only into a new state: never on top of devices a --db already holds.
  const empty = (stmt(db, 'SELECT COUNT(*) AS n FROM devices').get() as { n: number }).n === 0;
  if (opts.seed === 'demo' && empty && getMeta(db, 'seeded') === undefined) {
    await seedDemo(emu);
    setMeta(db, 'seeded', 'demo');
  }
  schedulePreliminary(emu);
  startCheckins(emu, opts.checkinSeconds ?? DEFAULT_CHECKIN_SECONDS);
  const server = createEmulatorServer(emu, allHandlers());
  const bind = opts.bind ?? '127.0.0.1';
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 8080, bind, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    stopPreliminary(emu);
    stopActivity(emu);
    db.close();
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  const host = bind.includes(':') ? `[${bind}]` : bind === '0.0.0.0' ? '127.0.0.1' : bind;
  emu.origin = `http://${host}:${port}`;
  let closed = false;
  return {
    url: `${emu.origin}/api1`,
    origin: emu.origin,
    token,
    senselink: { baseUrl: emu.origin, appKey, appSecret },
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      stopPreliminary(emu);
      stopActivity(emu);
      db.close();
    },
  };
}
