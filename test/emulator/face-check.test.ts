/** The analysis cache around the face analyzer: each picture content analysed at most once. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Emu } from '../../src/emulator/emu.js';
import { analyse, analyseStored, faceOnDevice, hasFace } from '../../src/emulator/face-check.js';
import { createFaceAnalyzer, type FaceAnalyzer } from '../../src/emulator/faces/index.js';
import { type Db, openDb, putPicture, resetState } from '../../src/emulator/store.js';
import { fixture } from './util.js';

let db: Db;
let emu: Emu;
let analysed: Buffer[];

/** Just what face-check reads: the database and a counting analyzer. */
async function fakeEmu(mode: 'basic' | 'off'): Promise<Emu> {
  const real = await createFaceAnalyzer(mode);
  const faces: FaceAnalyzer = {
    ...real,
    analyze: (jpeg) => {
      analysed.push(jpeg);
      return real.analyze(jpeg);
    },
  };
  return { db, faces } as unknown as Emu;
}

beforeEach(async () => {
  db = await openDb();
  analysed = [];
  emu = await fakeEmu('basic');
});
afterEach(() => db.close());

function onDevice(serial: string, code: string, pictureId: number, seq: number): void {
  db.prepare(
    "INSERT INTO device_persons (serial, code, seq, picture_id, access_times, cards) VALUES (?, ?, ?, ?, '[]', '[]')",
  ).run(serial, code, seq, pictureId);
}

describe('face analysis cache', () => {
  it('analyses the same content once, whether it arrives as bytes or as a stored picture', async () => {
    const bytes = fixture('face-astronaut.jpg');
    const [a, b] = await Promise.all([analyse(emu, bytes), analyse(emu, Buffer.from(bytes))]);
    expect(hasFace(a)).toBe(true);
    expect(b.signature).toEqual(a.signature);
    const stored = await analyseStored(emu, putPicture(db, bytes));
    expect(stored?.signature).toEqual(a.signature);
    expect(analysed).toHaveLength(1);
    await analyse(emu, fixture('noface-cat.jpg'));
    expect(analysed).toHaveLength(2);
  });

  it('follows the content when a reset gives a picture id to other bytes', async () => {
    const first = putPicture(db, fixture('face-astronaut.jpg'));
    expect(hasFace((await analyseStored(emu, first))!)).toBe(true);
    resetState(db);
    const second = putPicture(db, fixture('noface-gray.jpg'));
    expect(second).toBe(first);
    expect(hasFace((await analyseStored(emu, second))!)).toBe(false);
  });

  it('checks a device for a duplicate face analysing each of its pictures once over many calls', async () => {
    const pictures = ['face-astronaut.jpg', 'face-cameraman.jpg', 'noface-cat.jpg'].map((n) =>
      putPicture(db, fixture(n)),
    );
    pictures.forEach((id, i) => {
      onDevice('S1', `P${i}`, id, i + 1);
    });
    const probeId = putPicture(db, fixture('noface-gray.jpg'));
    const probe = (await analyseStored(emu, probeId))!;
    for (let i = 0; i < 5; i++) expect(await faceOnDevice(emu, 'S1', 'NEW', probeId, probe)).toBe(false);
    expect(analysed).toHaveLength(4);
    // The same picture under another code is a duplicate without any analysis at all.
    const dup = (await analyseStored(emu, pictures[1]))!;
    expect(await faceOnDevice(emu, 'S1', 'NEW', pictures[1], dup)).toBe(true);
    expect(await faceOnDevice(emu, 'S1', 'P1', pictures[1], dup)).toBe(false);
    expect(analysed).toHaveLength(4);
  });

  it("in 'off' mode decides duplicates by picture id alone", async () => {
    emu = await fakeEmu('off');
    const a = putPicture(db, fixture('noface-cat.jpg'));
    const b = putPicture(db, fixture('noface-gray.jpg'));
    onDevice('S1', 'A', a, 1);
    const probe = (await analyseStored(emu, b))!;
    expect(await faceOnDevice(emu, 'S1', 'B', b, probe)).toBe(false);
    expect(await faceOnDevice(emu, 'S1', 'B', a, probe)).toBe(true);
    expect(analysed).toHaveLength(1);
  });
});
