import { emulatorWithDevices, SERIALS, runWorkflow } from './emulator-setup.js';
import { writePersons } from './fixtures.js';
import { createClient } from '../../../src/core/client.js';
const N = Number(process.argv[2] ?? 300);
const file = await writePersons(N, { serials: SERIALS });
const emu = await emulatorWithDevices({ faces: 'off', latencyMs: 1, child: true });
const real = createClient({ baseUrl: emu.url, token: emu.token });
const times: Record<string, number[]> = {};
const client = { ...real, call: async (ep: any, wire: any, o: any) => { const t = performance.now(); try { return await real.call(ep, wire, o); } finally { (times[ep.action] ??= []).push(performance.now() - t); } } };
const r = await runWorkflow(emu, file.csvPath, { client: async () => client as any });
for (const [k, v] of Object.entries(times)) { v.sort((a,b)=>a-b); console.log(k, v.length, 'median', v[v.length>>1].toFixed(1), 'p90', v[Math.floor(v.length*0.9)].toFixed(1), 'sum', v.reduce((a,b)=>a+b,0).toFixed(0)); }
console.log(r.lines.filter(l => l.status !== 'ok').slice(0, 5));
await emu.close();
