/**
 * Face analysis speed per mode: `npx tsx bench/faces.ts [pictures-per-mode]`.
 * Prints one JSON line per mode: start-up time (with a first picture) and milliseconds per picture
 * over the test fixtures.
 */
import { readFile } from 'node:fs/promises';
import { createFaceAnalyzer, detectorAvailable, type FaceMode } from '../src/emulator/faces/index.js';

const FIXTURES = new URL('../test/fixtures/pictures/', import.meta.url);
const NAMES = ['face-astronaut.jpg', 'face-cameraman.jpg', 'noface-cat.jpg', 'noface-coffee.jpg', 'noface-gray.jpg'];

async function benchMode(mode: FaceMode, pictures: Buffer[], count: number): Promise<Record<string, unknown>> {
  const t0 = performance.now();
  const analyzer = await createFaceAnalyzer(mode);
  // Start-up includes the first picture: lazy imports (sharp, the models) happen there.
  await analyzer.analyze(pictures[0]);
  const t1 = performance.now();
  let faces = 0;
  for (let i = 0; i < count; i++) faces += (await analyzer.analyze(pictures[i % pictures.length])).faces;
  const t2 = performance.now();
  return {
    mode,
    startupMs: Math.round(t1 - t0),
    pictures: count,
    msPerPicture: Number(((t2 - t1) / count).toFixed(1)),
    facesFound: faces,
  };
}

const count = Number(process.argv[2] ?? 50);
const pictures = await Promise.all(NAMES.map((n) => readFile(new URL(n, FIXTURES))));
const modes: FaceMode[] = (await detectorAvailable()) ? ['off', 'basic', 'detector'] : ['off', 'basic'];
for (const mode of modes) process.stdout.write(`${JSON.stringify(await benchMode(mode, pictures, count))}\n`);
