/** Fixture pictures and sharp-made variants for the face analysis tests. */

import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import type { AnalyzedPicture, FaceAnalyzer } from '../../../src/emulator/faces/index.js';
import { PICTURES } from '../../helpers/fixtures.js';

/** The test pictures (test/fixtures/pictures/, see its README.md). */
export const FIXTURES = pathToFileURL(`${PICTURES}/`);
export const FACE_FIXTURES = ['face-astronaut.jpg', 'face-cameraman.jpg'] as const;
export const NOFACE_FIXTURES = ['noface-cat.jpg', 'noface-coffee.jpg', 'noface-gray.jpg'] as const;
export const ALL_JPEG_FIXTURES = [...FACE_FIXTURES, ...NOFACE_FIXTURES];

export function fixture(name: string): Promise<Buffer> {
  return readFile(new URL(name, FIXTURES));
}

/** The astronaut as a PNG: the same face, refused because it is not a JPEG. */
export async function astronautPng(): Promise<Buffer> {
  return sharp(await fixture('face-astronaut.jpg'))
    .png()
    .toBuffer();
}

/** The edits a person's picture goes through between two registrations. */
export async function editedCopies(jpeg: Buffer): Promise<Record<'quality70' | 'resized90' | 'brighter10', Buffer>> {
  const { width } = await sharp(jpeg).metadata();
  return {
    quality70: await sharp(jpeg).jpeg({ quality: 70 }).toBuffer(),
    resized90: await sharp(jpeg)
      .resize(Math.round(width * 0.9))
      .jpeg()
      .toBuffer(),
    brighter10: await sharp(jpeg).modulate({ brightness: 1.1 }).jpeg().toBuffer(),
  };
}

/**
 * The two portraits side by side (440×220), each cropped around its face so that the faces stay large
 * enough for the tiny detector once the wide picture is scaled to its input size.
 */
export async function twoFacesSideBySide(): Promise<Buffer> {
  const astronaut = await sharp(await fixture('face-astronaut.jpg'))
    .extract({ left: 100, top: 20, width: 220, height: 220 })
    .toBuffer();
  const cameraman = await sharp(await fixture('face-cameraman.jpg'))
    .extract({ left: 120, top: 70, width: 180, height: 180 })
    .resize(220, 220)
    .toBuffer();
  return sharp({ create: { width: 440, height: 220, channels: 3, background: '#000' } })
    .composite([
      { input: astronaut, left: 0, top: 0 },
      { input: cameraman, left: 220, top: 0 },
    ])
    .jpeg()
    .toBuffer();
}

export async function analysed(analyzer: FaceAnalyzer, bytes: Buffer): Promise<AnalyzedPicture> {
  return { ...(await analyzer.analyze(bytes)), bytes };
}
