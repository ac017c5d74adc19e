import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestEmulator } from '../helpers/emulator.js';
import { PICTURES } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp.js';

export { PICTURES };
export const SERIAL = '7L11R010014';

/** A working directory holding the files the registry's examples name. */
export function exampleDir(): string {
  const dir = tempDir('facetctl-examples-');
  copyFileSync(join(PICTURES, 'face-astronaut.jpg'), join(dir, 'face.jpg'));
  copyFileSync(join(PICTURES, 'face-astronaut.png'), join(dir, 'logo.png'));
  writeFileSync(join(dir, `${SERIAL}.cfg`), Buffer.from('settings file'));
  return dir;
}

export function connectionEnv(emu: TestEmulator): Record<string, string> {
  return {
    FACETCTL_HOST: emu.url,
    FACETCTL_TOKEN: emu.token,
    FACETCTL_SENSELINK_URL: emu.senselink.baseUrl,
    FACETCTL_SENSELINK_APP_KEY: emu.senselink.appKey,
    FACETCTL_SENSELINK_APP_SECRET: emu.senselink.appSecret,
  };
}

/** Fresh state: the examples' device and an empty journal. */
export async function resetWithDevice(emu: TestEmulator): Promise<void> {
  await emu.op('POST', '/reset');
  const made = await emu.op('POST', '/devices', { serialNo: SERIAL, kind: 'terminal', model: 'TACX1270' });
  if (made.status >= 300) throw new Error(`cannot create device: ${JSON.stringify(made.body)}`);
}

export async function journal(
  emu: TestEmulator,
): Promise<{ method: string; path: string; params: string[]; status: number }[]> {
  const r = await emu.op('GET', '/requests');
  return r.body.requests;
}

export async function clearJournal(emu: TestEmulator): Promise<void> {
  await emu.op('DELETE', '/requests');
}
