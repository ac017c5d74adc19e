import { describe, expect, it, vi } from 'vitest';

// A lean install: none of the add-on's packages resolve. Everything else behaves as installed.
vi.mock('node:module', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:module')>();
  const missing = (id: string) => {
    throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
  };
  return {
    ...real,
    createRequire: () => Object.assign(missing, { resolve: missing }),
  };
});

const { createFaceAnalyzer, detectorAvailable } = await import('../../../src/emulator/faces/index.js');
const { exitCodeOf, RuntimeError } = await import('../../../src/core/errors.js');

describe('without the detector add-on', () => {
  it('reports it unavailable', async () => {
    expect(await detectorAvailable()).toBe(false);
  });

  it('falls back to basic mode by default', async () => {
    expect((await createFaceAnalyzer()).mode).toBe('basic');
  });

  it('explains how to install it when the detector is asked for', async () => {
    await expect(createFaceAnalyzer('detector')).rejects.toThrow(
      /npm install @vladmandic\/face-api @tensorflow\/tfjs @tensorflow\/tfjs-backend-wasm/,
    );
    const err = await createFaceAnalyzer('detector').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuntimeError);
    expect(exitCodeOf(err)).toBe(1);
  });
});
