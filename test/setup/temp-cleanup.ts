/** Vitest setup file: every folder made by `tempDir()` is removed when its test file ends. */
import { afterAll } from 'vitest';
import { removeTempDirs } from '../helpers/temp.js';

afterAll(() => removeTempDirs());
