/**
 * The emulator's simulated network latency (`--api-latency`, `apiLatencyMs`, `POST /_emulator/api-latency`):
 * every API call waits at least that long, so benchmarks and tests see what a cloud 50 ms away does.
 * Only a lower bound is checked: a loaded machine makes calls slower, never faster.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator({ apiLatencyMs: 150 });
});
afterAll(() => emu.close());

async function elapsedOf(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

describe('simulated API latency', () => {
  it('each facetCloud call waits at least apiLatencyMs', async () => {
    const env = { FACETCTL_HOST: emu.url, FACETCTL_TOKEN: emu.token };
    const ms = await elapsedOf(async () =>
      expect((await runCli(['device', 'list', '-o', 'json'], { env })).code).toBe(0),
    );
    expect(ms).toBeGreaterThanOrEqual(145);
  });

  it('the operator API changes it and refuses a bad value; operator calls are not delayed', async () => {
    expect((await emu.op('POST', '/api-latency', { ms: -1 })).status).toBe(400);
    expect((await emu.op('POST', '/api-latency', { ms: 'x' })).status).toBe(400);
    expect((await emu.op('POST', '/api-latency', { ms: 400 })).body).toEqual({ apiLatencyMs: 400 });
    const ms = await elapsedOf(() =>
      fetch(`${emu.url}/device/getDevice`, { headers: { 'ds-api-token': emu.token } }).then((r) => r.text()),
    );
    expect(ms).toBeGreaterThanOrEqual(395);
    await emu.op('POST', '/api-latency', { ms: 0 });
  });

  it('`facetctl server --api-latency` refuses a negative value before starting', async () => {
    const r = await runCli(['server', '--api-latency', '-5', '--port', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--api-latency');
  });
});
