import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createFaceAnalyzer,
  detectorAvailable,
  type FaceAnalyzer,
  type FaceMode,
} from '../../../src/emulator/faces/index.js';
import { astronautPng, fixture } from './pictures.js';

const modes: FaceMode[] = ['basic', 'off'];
const analyzers = new Map<FaceMode, FaceAnalyzer>();

beforeAll(async () => {
  if (await detectorAvailable()) modes.push('detector');
  for (const mode of modes) analyzers.set(mode, await createFaceAnalyzer(mode));
});

const cases: [string, () => Promise<Buffer>][] = [
  ['a PNG', astronautPng],
  ['garbage bytes', async () => Buffer.from('not a picture at all, just text')],
  [
    'JPEG magic followed by garbage',
    async () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7)]),
  ],
  ['an empty buffer', async () => Buffer.alloc(0)],
  [
    'a JPEG cut in half',
    async () => {
      const whole = await fixture('face-astronaut.jpg');
      return whole.subarray(0, Math.floor(whole.length / 2));
    },
  ],
  [
    'a WebP',
    async () =>
      sharp(await fixture('face-astronaut.jpg'))
        .webp()
        .toBuffer(),
  ],
];

describe('pictures that are not decodable JPEGs', () => {
  it.each(cases)('%s is not decodable in any mode', async (_label, make) => {
    const bytes = await make();
    for (const mode of modes) {
      expect(await analyzers.get(mode)!.analyze(bytes), mode).toEqual({ decodable: false, faces: 0 });
    }
  });
});
