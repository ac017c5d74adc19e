import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPictureResolver } from '../../../src/workflows/import/picture-path.js';
import { tempDir } from './fixtures.js';

describe('picture paths written on another machine', () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'Photos', '総務部'), { recursive: true });
  writeFileSync(join(dir, 'Photos', '総務部', 'F00010.jpg'), 'x');
  writeFileSync(join(dir, 'Photos', '総務部', 'ガッコウ.jpg'.normalize('NFD')), 'x');

  it('resolves backslashes, case differences in folders and files, and NFC/NFD', async () => {
    const resolve = createPictureResolver();
    for (const written of ['Photos/総務部/F00010.jpg', 'photos\\総務部\\f00010.JPG', '.\\PHOTOS\\総務部\\F00010.Jpg']) {
      expect(await resolve(dir, written), written).toEqual({
        ok: true,
        path: join(dir, 'Photos', '総務部', 'F00010.jpg'),
      });
    }
    const nfc = await resolve(dir, 'photos\\総務部\\ガッコウ.jpg'.normalize('NFC'));
    expect(nfc).toEqual({ ok: true, path: join(dir, 'Photos', '総務部', 'ガッコウ.jpg'.normalize('NFD')) });
  });

  it('a folder holding names that are not UTF-8 (a ZIP made on Windows) is named with the way out', async () => {
    const zipped = tempDir();
    mkdirSync(join(zipped, 'zipx'));
    // 山田太郎.jpg in CP932 bytes, as `unzip` without -O cp932 leaves a Windows ZIP's names.
    const cp932Name = Buffer.concat([
      Buffer.from([0x8e, 0x52, 0x93, 0x63, 0x91, 0xbe, 0x98, 0x59]),
      Buffer.from('.jpg'),
    ]);
    writeFileSync(Buffer.concat([Buffer.from(join(zipped, 'zipx')), Buffer.from('/'), cp932Name]), 'x');
    const got = await createPictureResolver()(zipped, 'zipx\\山田太郎.jpg');
    expect(got.ok).toBe(false);
    expect(!got.ok && got.message).toMatch(/holds 1 file name\(s\) that are not UTF-8.*unzip -O cp932/);
  });

  it('names a near match, and refuses Windows drive and UNC paths with the way out', async () => {
    const resolve = createPictureResolver();
    expect(await resolve(dir, 'Photos/総務部/F00011.jpg')).toEqual({
      ok: false,
      message: `file not found: Photos/総務部/F00011.jpg (did you mean ${join('Photos', '総務部', 'F00010.jpg')}?)`,
    });
    expect(await resolve(dir, 'Nothing/F00010.jpg')).toEqual({
      ok: false,
      message: 'file not found: Nothing/F00010.jpg',
    });
    const drive = await resolve(dir, 'C:\\Users\\soumu\\F00010.jpg');
    expect(drive.ok).toBe(false);
    expect(!drive.ok && drive.message).toContain('write the path relative to the CSV');
    const unc = await resolve(dir, '\\\\fileserver\\share\\F00010.jpg');
    expect(!unc.ok && unc.message).toContain('write the path relative to the CSV');
  });
});
