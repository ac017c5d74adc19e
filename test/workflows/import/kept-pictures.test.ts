/**
 * Pictures kept from validation for sending: what is sent is what was validated (a file replaced in
 * between changes nothing); beyond the budget a picture is read again, and one that changed fails
 * its row without stopping the others.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { endpointById } from '../../../src/registry/index.js';
import { KeptPictures } from '../../../src/workflows/import/picture.js';
import { clientFor, emulatorWithDevices, runWorkflow, SERIALS } from './emulator-setup.js';
import { syntheticJpeg, writePersons } from './fixtures.js';

async function pictureOnDevice(emu: Awaited<ReturnType<typeof emulatorWithDevices>>, code: string): Promise<string> {
  const client = clientFor(emu);
  try {
    const answer = await client.call(endpointById('person.getPerson')!, {
      serialNo: SERIALS[0],
      personCode: code,
      includePicture: '1',
    });
    if (answer.kind !== 'json') throw new Error(`getPerson answered ${answer.contentType}`);
    return (answer.body as { device: { picture: string } }).device.picture;
  } finally {
    await client.close();
  }
}

describe('pictures kept from validation', () => {
  it('keeps bytes up to the budget and gives each up once', () => {
    const kept = new KeptPictures(10);
    const a = { path: '/a.jpg', sha256: 'aa' };
    const b = { path: '/b.jpg', sha256: 'bb' };
    kept.keep(a, Buffer.alloc(6));
    kept.keep(b, Buffer.alloc(6)); // over the budget: not kept
    expect(kept.bytesHeld).toBe(6);
    expect(kept.take(b)).toBeUndefined();
    expect(kept.take(a)?.length).toBe(6);
    expect(kept.take(a)).toBeUndefined();
    expect(kept.bytesHeld).toBe(0);
  });

  it('sends the validated bytes even when the file is replaced after validation', async () => {
    const emu = await emulatorWithDevices({ serials: [SERIALS[0]] });
    try {
      const file = await writePersons(3, { serials: [SERIALS[0]] });
      const picturePath = join(file.dir, 'pic-1.jpg');
      const validated = readFileSync(picturePath);
      const result = await runWorkflow(emu, file.csvPath, {
        onValidated: () => writeFileSync(picturePath, Buffer.from([0xff, 0xd8, 0xff, 0])),
      });
      expect(result.lines.map((l) => l.status)).toEqual(['ok', 'ok', 'ok']);
      expect(await pictureOnDevice(emu, 'P00001')).toBe(validated.toString('base64'));
    } finally {
      await emu.close();
    }
  });

  it('beyond the budget reads the picture again and fails only the row whose file changed', async () => {
    const emu = await emulatorWithDevices({ serials: [SERIALS[0]] });
    try {
      const file = await writePersons(3, { serials: [SERIALS[0]] });
      const other = await syntheticJpeg(999);
      const result = await runWorkflow(emu, file.csvPath, {
        keptPicturesBytes: 0,
        onValidated: () => writeFileSync(join(file.dir, 'pic-1.jpg'), other),
      });
      expect(result.lines.map((l) => [l.personCode, l.status])).toEqual([
        ['P00000', 'ok'],
        ['P00001', 'failed'],
        ['P00002', 'ok'],
      ]);
      expect(result.lines[1].message).toMatch(/pic-1\.jpg changed after it was validated; run the import again/);
    } finally {
      await emu.close();
    }
  });
});
