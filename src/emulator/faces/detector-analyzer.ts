/**
 * The detector mode: @vladmandic/face-api (tiny face detector + 68 landmarks + 128-number recognition
 * descriptor) on TensorFlow.js's wasm backend. An opt-in add-on: everything is resolved and imported at
 * run time, so a lean install without it still type-checks, builds and runs (basic mode instead).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { RuntimeError } from '../../core/errors.js';
import { decodeJpeg, type RgbPicture } from './jpeg.js';
import {
  type AnalyzedPicture,
  type FaceAnalyzer,
  type FaceResult,
  roundScore,
  SAME_PERSON_SCORE,
  UNDECODABLE,
} from './types.js';

const FACE_API = '@vladmandic/face-api/dist/face-api.node-wasm.js';
/** face-api's own guidance: descriptors of one person are within ~0.6; 0.5 is the stricter usual choice. */
export const SAME_PERSON_DISTANCE = 0.5;
const DETECTOR_INPUT_SIZE = 416;
const DETECTOR_MIN_SCORE = 0.5;

interface Tensor {
  dispose(): void;
}
interface Detection {
  detection: { box: { width: number; height: number } };
  descriptor: Float32Array;
}
/** The few parts of face-api's API used here (typed locally so the add-on stays optional). */
interface FaceApi {
  tf: {
    setWasmPaths(prefix: string, usePlatformFetch?: boolean): void;
    setBackend(name: string): Promise<boolean>;
    ready(): Promise<void>;
    tensor3d(values: Uint8Array, shape: [number, number, number], dtype: 'int32'): Tensor;
  };
  nets: Record<
    'tinyFaceDetector' | 'faceLandmark68Net' | 'faceRecognitionNet',
    { loadFromDisk(dir: string): Promise<void> }
  >;
  TinyFaceDetectorOptions: new (o: { inputSize: number; scoreThreshold: number }) => unknown;
  detectAllFaces(
    input: Tensor,
    options: unknown,
  ): { withFaceLandmarks(): { withFaceDescriptors(): Promise<Detection[]> } };
}

interface AddonPaths {
  faceApi: string;
  modelDir: string;
  wasmDir: string;
}

function resolveAddon(): AddonPaths | undefined {
  try {
    const req = createRequire(import.meta.url);
    const faceApi = req.resolve(FACE_API);
    const root = path.dirname(req.resolve('@vladmandic/face-api/package.json'));
    // The backend face-api itself will require(), not some other copy.
    const wasmEntry = createRequire(faceApi).resolve('@tensorflow/tfjs-backend-wasm');
    createRequire(faceApi).resolve('@tensorflow/tfjs');
    return { faceApi, modelDir: path.join(root, 'model'), wasmDir: path.dirname(wasmEntry) };
  } catch {
    return undefined;
  }
}

/** Whether the add-on packages are installed (cheap: resolves paths, loads nothing). */
export async function detectorAvailable(): Promise<boolean> {
  return resolveAddon() !== undefined;
}

let loaded: Promise<FaceApi> | undefined;

export const INSTALL_COMMAND = 'npm install @vladmandic/face-api @tensorflow/tfjs @tensorflow/tfjs-backend-wasm';

async function initialise(): Promise<FaceApi> {
  const paths = resolveAddon();
  if (!paths)
    throw new RuntimeError(`--faces detector: the face detector add-on is not installed (${INSTALL_COMMAND})`);
  try {
    return await startFaceApi(paths);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new RuntimeError(`--faces detector: the face detector failed to start: ${reason}`);
  }
}

async function startFaceApi(paths: AddonPaths): Promise<FaceApi> {
  const mod = (await import(pathToFileURL(paths.faceApi).href)) as { default?: FaceApi } & FaceApi;
  const faceapi = mod.default ?? mod;
  // A folder path and Node's own file reading: the wasm binaries never come from the network.
  faceapi.tf.setWasmPaths(`${paths.wasmDir}${path.sep}`, false);
  if (!(await faceapi.tf.setBackend('wasm'))) throw new Error('the TensorFlow.js wasm backend did not initialise');
  await faceapi.tf.ready();
  await faceapi.nets.tinyFaceDetector.loadFromDisk(paths.modelDir);
  await faceapi.nets.faceLandmark68Net.loadFromDisk(paths.modelDir);
  await faceapi.nets.faceRecognitionNet.loadFromDisk(paths.modelDir);
  return faceapi;
}

/** Once per process: the backend and the models are global to TensorFlow.js anyway. */
function loadFaceApi(): Promise<FaceApi> {
  loaded ??= initialise();
  return loaded;
}

async function detect(faceapi: FaceApi, pic: RgbPicture): Promise<Detection[]> {
  const input = faceapi.tf.tensor3d(pic.data, [pic.height, pic.width, 3], 'int32');
  try {
    const options = new faceapi.TinyFaceDetectorOptions({
      inputSize: DETECTOR_INPUT_SIZE,
      scoreThreshold: DETECTOR_MIN_SCORE,
    });
    return await faceapi.detectAllFaces(input, options).withFaceLandmarks().withFaceDescriptors();
  } finally {
    input.dispose();
  }
}

function largest(found: Detection[]): Detection {
  const area = (d: Detection) => d.detection.box.width * d.detection.box.height;
  return found.reduce((best, d) => (area(d) > area(best) ? d : best));
}

export function descriptorDistance(a: number[], b: number[]): number {
  if (a.length === 0 || a.length !== b.length) return Number.POSITIVE_INFINITY;
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return Math.sqrt(sum);
}

/** Distance 0 → 100, 0.5 (SAME_PERSON_DISTANCE) → 80 (SAME_PERSON_SCORE), ≥1.12 → 0. */
function detectorScore(a: AnalyzedPicture, b: AnalyzedPicture): number {
  if (!a.signature || !b.signature || a.faces < 1 || b.faces < 1) return 0;
  const d = descriptorDistance(a.signature, b.signature);
  return Number.isFinite(d) ? roundScore(100 * (1 - 0.2 * (d / SAME_PERSON_DISTANCE) ** 2)) : 0;
}

/** Rejects (with the install command in the message) when the add-on is missing or fails to start. */
export async function createDetectorAnalyzer(): Promise<FaceAnalyzer> {
  const faceapi = await loadFaceApi();
  return {
    mode: 'detector',
    async analyze(jpeg: Buffer): Promise<FaceResult> {
      const pic = await decodeJpeg(jpeg);
      if (!pic) return { ...UNDECODABLE };
      const found = await detect(faceapi, pic);
      if (found.length === 0) return { decodable: true, faces: 0 };
      return { decodable: true, faces: found.length, signature: Array.from(largest(found).descriptor) };
    },
    score: detectorScore,
    samePerson: (a, b) => detectorScore(a, b) >= SAME_PERSON_SCORE,
  };
}
