/**
 * Reading what is: the cloud's persons in a scope (getPersonFromCloud, every page, pictures hashed
 * right after their page while the page's pictureCookie is fresh), a person's access windows and
 * cards, and the persons a device actually holds (getPersonFromDevice, every page).
 */
import { createHash } from 'node:crypto';
import { type FacetError, isDeviceFailure, RuntimeError } from '../../core/errors.js';
import type { WireParams } from '../../core/params/index.js';
import { mapLimited } from '../../core/pool.js';
import { syncEndpoints } from './endpoints.js';
import type { PictureCache } from './picture-cache.js';
import { cloudQueries } from './scope.js';
import type { CloudPerson, SyncClient, SyncScope } from './types.js';

/** Seconds a page's picture cookie lives (the document's maximum, 10–300). */
const PICTURE_COOKIE_SECONDS = '300';
/** Pictures downloaded at once, per page being read. */
const PICTURE_CONCURRENCY = 8;
/** getPersonFromCloud pages read at once (after the first, which says how many there are). */
const PAGE_CONCURRENCY = 4;

function strOrNull(v: unknown): string | null {
  return typeof v === 'string' ? v : v === null || v === undefined ? null : String(v);
}

interface ListItem {
  personCode?: unknown;
  personName?: unknown;
  sex?: unknown;
  birthday?: unknown;
  memo?: unknown;
  personTypeName?: unknown;
  serialNos?: unknown;
  pictureUrl?: unknown;
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Every cloud person the scope's queries list, by personCode. `wantPicture(code)` says whose
 * picture to download and hash (only persons whose row names a picture: the others cost nothing).
 * A picture that cannot be fetched leaves `pictureSha256` unset, which plans it as changed.
 * `exactCode` lists that one person instead of the scope (a personCode without `*` matches exactly).
 * With `cache`, a picture whose person and URL the cache knows is not downloaded (picture-cache.ts),
 * and every picture downloaded is remembered in it. Pages after the first are read a few at once
 * (the first answers `pages`), each page's pictures with that page's cookie.
 */
export async function readCloudPersons(
  client: SyncClient,
  scope: SyncScope,
  opts: {
    wantPicture: (code: string) => boolean;
    signal?: AbortSignal;
    exactCode?: string;
    cache?: PictureCache;
    /** Pages read at once (default 4; 1 reads them in turn). */
    pageConcurrency?: number;
  },
): Promise<Map<string, CloudPerson>> {
  const eps = syncEndpoints();
  const out = new Map<string, CloudPerson>();
  const queries = opts.exactCode === undefined ? cloudQueries(scope) : [{ personCode: opts.exactCode }];
  // One page, its persons recorded and its pictures hashed while the page's cookie is fresh.
  const readPage = async (wire: WireParams, pageNo: number) => {
    const pages = client.pages(eps.cloudList, wire, { signal: opts.signal, startPage: pageNo });
    const next = await pages.next();
    await pages.return(undefined);
    const page = next.done ? undefined : next.value;
    const list: ListItem[] = Array.isArray(page?.list) ? page.list : [];
    const cookie: Record<string, string> = page?.pictureCookie ?? {};
    const fetches: { person: CloudPerson; url: string }[] = [];
    for (const item of list) {
      const code = strOrNull(item.personCode);
      if (!code || out.has(code)) continue;
      const person: CloudPerson = {
        personCode: code,
        personName: strOrNull(item.personName),
        sex: strOrNull(item.sex),
        birthday: strOrNull(item.birthday),
        memo: strOrNull(item.memo),
        personTypeName: strOrNull(item.personTypeName),
        serialNos: Array.isArray(item.serialNos) ? item.serialNos.map(String) : [],
      };
      out.set(code, person);
      const url = strOrNull(item.pictureUrl);
      if (!url || !opts.wantPicture(code)) continue;
      const known = opts.cache?.get(code, url);
      if (known !== undefined) person.pictureSha256 = known;
      else fetches.push({ person, url });
    }
    await mapLimited(
      fetches,
      PICTURE_CONCURRENCY,
      async ({ person, url }) => {
        const got = await client.fetchPicture(url, cookie).catch(() => undefined);
        if (got?.status !== 200) return;
        person.pictureSha256 = sha256(got.body);
        opts.cache?.set(person.personCode, url, person.pictureSha256);
      },
      opts.signal,
    );
    return page;
  };
  const pagesKey = eps.cloudList.paging?.pagesPath ?? 'pages';
  for (const query of queries) {
    const wire: WireParams = { ...query, pictureExpires: PICTURE_COOKIE_SECONDS };
    // The first page says how many there are; the others are read a few at once.
    const first = await readPage(wire, 1);
    const pageCount = Number(first?.[pagesKey]);
    if (!Number.isFinite(pageCount) || pageCount < 2) continue;
    const rest = Array.from({ length: pageCount - 1 }, (_, i) => i + 2);
    await mapLimited(rest, opts.pageConcurrency ?? PAGE_CONCURRENCY, (n) => readPage(wire, n), opts.signal);
  }
  return out;
}

/** `flag|from|to` per access window, in the order given: comparable between the CSV and the cloud. */
export function accessKeys(
  list: readonly { accessFlag?: unknown; accessTimeFrom?: unknown; accessTimeTo?: unknown }[],
) {
  return list.map((a) => `${a.accessFlag}|${a.accessTimeFrom}|${a.accessTimeTo}`);
}

/** `CARDNO|from|to` per card (card numbers compared in upper case: hex is case-blind). */
export function cardKeys(list: readonly { card_no?: unknown; validityDateFrom?: unknown; validityDateTo?: unknown }[]) {
  return list.map((c) => `${String(c.card_no).toUpperCase()}|${c.validityDateFrom}|${c.validityDateTo}`);
}

/** A person's access windows per device as the cloud stores them (getPersonAcessTimeFromCloud). */
export async function readAccess(client: SyncClient, personCode: string): Promise<Map<string, string[]>> {
  const answer = await client.call(syncEndpoints().accessGet, { personCode });
  const body = (answer.kind === 'json' ? answer.body : {}) as Record<string, unknown>;
  const out = new Map<string, string[]>();
  for (const [serial, list] of Object.entries(body ?? {})) {
    if (Array.isArray(list)) out.set(serial, accessKeys(list));
  }
  return out;
}

/** A person's cards as the cloud stores them (getPersonCardInfoFromCloud). */
export async function readCards(client: SyncClient, personCode: string): Promise<string[]> {
  const answer = await client.call(syncEndpoints().cardsGet, { personCode });
  const body = (answer.kind === 'json' ? answer.body : {}) as { list?: unknown };
  return Array.isArray(body?.list) ? cardKeys(body.list) : [];
}

/** The persons a device holds, by personCode, with the name it stores. */
export async function readDevicePersons(
  client: SyncClient,
  serialNo: string,
  signal?: AbortSignal,
): Promise<Map<string, { personName: string | null }>> {
  const out = new Map<string, { personName: string | null }>();
  for await (const page of client.pages(syncEndpoints().deviceList, { serialNo }, { signal })) {
    const list: ListItem[] = Array.isArray(page?.list) ? page.list : [];
    for (const item of list) {
      const code = strOrNull(item.personCode);
      if (code) out.set(code, { personName: strOrNull(item.personName) });
    }
  }
  return out;
}

/** Reading one device: its persons, or why it could not be read (offline, refused). */
export type DeviceRead =
  | { serialNo: string; ok: true; persons: Map<string, { personName: string | null }> }
  | { serialNo: string; ok: false; error: FacetError | Error };

/**
 * Reads several devices, a few at once; a device that cannot be read (offline, an AI camera
 * refusing, a serial the contract does not list: `isDeviceFailure`) is reported, and the others are
 * still read. Other errors (auth, network) stop everything.
 */
export async function readDevices(
  client: SyncClient,
  serials: readonly string[],
  signal?: AbortSignal,
): Promise<DeviceRead[]> {
  return mapLimited(
    serials,
    4,
    async (serialNo): Promise<DeviceRead> => {
      try {
        return { serialNo, ok: true, persons: await readDevicePersons(client, serialNo, signal) };
      } catch (err) {
        if (isDeviceFailure(err, syncEndpoints().deviceList.deviceParam)) {
          return { serialNo, ok: false, error: err as FacetError };
        }
        throw err;
      }
    },
    signal,
  );
}

/** The contract's devices (getDevice), by serial. */
export async function listDeviceSerials(client: SyncClient, signal?: AbortSignal): Promise<string[]> {
  const answer = await client.call(syncEndpoints().devices, {}, { signal });
  const body = answer.kind === 'json' ? answer.body : undefined;
  const list: unknown[] = Array.isArray(body) ? body : [];
  return list.map((d) => String((d as { serialNo?: unknown }).serialNo ?? '')).filter((s) => s !== '');
}

/** Person type code → name (getPersonType; entry/exit mode contracts only). */
export async function readPersonTypes(client: SyncClient, signal?: AbortSignal): Promise<Map<string, string>> {
  const answer = await client.call(syncEndpoints().personTypes, {}, { signal });
  const body = answer.kind === 'json' ? answer.body : undefined;
  if (!Array.isArray(body)) throw new RuntimeError('getPersonType did not answer a list');
  const out = new Map<string, string>();
  for (const t of body as { person_type_code?: unknown; person_type_name?: unknown }[]) {
    out.set(String(t.person_type_code), String(t.person_type_name));
  }
  return out;
}
