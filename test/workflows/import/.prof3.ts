import { emulatorWithDevices, runWorkflow } from './emulator-setup.js';
import { writePersons } from './fixtures.js';
import { createClient } from '../../../src/core/client.js';
import { endpointById } from '../../../src/registry/index.js';
const file = await writePersons(50, { serials: ['EMU0001'] });
const emu = await emulatorWithDevices({ faces: 'off', latencyMs: 1, serials: ['EMU0001'] });
await runWorkflow(emu, file.csvPath, {});
const c = createClient({ baseUrl: emu.url, token: emu.token });
for (const id of ['person.toDevice', 'device.getDevice', 'person.getPersonAcessTimeFromCloud']) {
  const t = performance.now();
  for (let i = 0; i < 50; i++) await c.call(endpointById(id)!, id === 'device.getDevice' ? {} : { ...(id.includes("Acess") ? { personCode: "P00001" } : { serialNo: "EMU0001", personCode: `P${String(i).padStart(5, "0")}` })} as any);
  console.log(id, ((performance.now() - t) / 50).toFixed(2), 'ms/call');
}
await emu.close();
