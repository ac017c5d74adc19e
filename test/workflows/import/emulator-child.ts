/**
 * Runs the emulator in its own process for the heavy import tests, so the emulator and the importer
 * each get a CPU. Options come as JSON in argv[2]; the handle's url/origin/token go to stdout as one
 * JSON line; the process ends when its stdin closes.
 */
import { startEmulator } from '../../../src/emulator/index.js';

const handle = await startEmulator({ port: 0, seed: 'none', ...JSON.parse(process.argv[2] ?? '{}') });
process.stdout.write(`${JSON.stringify({ url: handle.url, origin: handle.origin, token: handle.token })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void handle.close().then(() => process.exit(0));
});
