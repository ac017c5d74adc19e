/** /config/*: device settings (every key of the registry's configKeys) and the standby logo. */
import { paramType } from '../../core/params/index.js';
import { configKeys } from '../../registry/index.js';
import type { ParamDef } from '../../registry/types.js';
import { addOperateLog, deviceConfig } from '../devices.js';
import type { Handler, HandlerTable } from '../emu.js';
import { bytes, json } from '../envelope.js';
import { solidPng } from '../png.js';
import { stmt } from '../store.js';
import { device, deviceWithSettings, str, takeFailAfter } from './common.js';

/** Numbers stay numbers in the answer (the document's sample: `"deviceAudioVolume": 98`): the type table's `answer`. */
function typed(def: ParamDef, wire: string): string | number {
  return paramType(def.type).answer(wire, def);
}

const getConfig: Handler = (call) => {
  const config = deviceConfig(deviceWithSettings(call));
  const out: Record<string, string | number> = {};
  for (const k of configKeys) out[k.name] = config[k.name] ?? '';
  return json(out);
};

function celsiusToFahrenheit(c: number): number {
  return Math.round(((c * 9) / 5) * 10 + 320) / 10;
}

function fahrenheitToCelsius(f: number): number {
  return Math.round((((f - 32) * 5) / 9) * 10) / 10;
}

/**
 * Applies the changed keys in the document's order; unchanged values are listed nowhere. The
 * temperature range was checked against the unit in effect (sent, else the device's) by the
 * pipeline's validation (`tempRangeByUnit` with the device's settings in effect).
 */
const setConfig: Handler = (call) => {
  const { db } = call.emu;
  const d = deviceWithSettings(call);
  const config = deviceConfig(d);
  const changes: [string, string | number][] = [];
  for (const k of configKeys) {
    if (!k.settable) continue;
    // An empty value sent is a value: `tipsCustom=` clears the text. A number cannot be empty: skipped.
    const wire = call.params[k.name];
    if (wire === undefined || (wire === '' && k.def.type !== 'string')) continue;
    const value = typed(k.def, wire);
    if (config[k.name] !== value) changes.push([k.name, value]);
  }
  const cut = takeFailAfter(call, d.serial) ?? changes.length;
  const updated: string[] = [];
  const errored: string[] = [];
  changes.forEach(([name, value], i) => {
    if (i >= cut) {
      errored.push(name);
      return;
    }
    if (name === 'tempUnit' && value !== config.tempUnit && str(call, 'tempValueRangeFrom') === undefined) {
      const convert = value === 1 ? celsiusToFahrenheit : fahrenheitToCelsius;
      config.tempValueRangeFrom = convert(Number(config.tempValueRangeFrom));
      config.tempValueRangeTo = convert(Number(config.tempValueRangeTo));
    }
    config[name] = value;
    updated.push(name);
  });
  stmt(db, 'UPDATE devices SET config = ? WHERE serial = ?').run(JSON.stringify(config), d.serial);
  if (updated.length) addOperateLog(db, d.serial, '設定変更', updated.join(','));
  return json({ updated, errored });
};

/** A device that never got a logo shows the factory one. */
export function factoryLogo(): Buffer {
  return solidPng(240, 80, [0x1f, 0x4e, 0x9a]);
}

const getLogo: Handler = (call) => bytes(deviceWithSettings(call).logo ?? factoryLogo(), 'image/png');

const setLogo: Handler = (call) => {
  const d = device(call);
  stmt(call.emu.db, 'UPDATE devices SET logo = ? WHERE serial = ?').run(
    Buffer.from(str(call, 'data')!, 'base64'),
    d.serial,
  );
  addOperateLog(call.emu.db, d.serial, 'ロゴ設定');
  return json({ result: true });
};

export const configHandlers = {
  'config.getConfig': getConfig,
  'config.setConfig': setConfig,
  'config.getLogo': getLogo,
  'config.setLogo': setLogo,
} satisfies HandlerTable;
