/** Every endpoint's handler, keyed by the registry id (`person.toDevice`). */
import type { Handler } from '../emu.js';
import { configHandlers } from './config.js';
import { deviceHandlers } from './device.js';
import { logHandlers } from './log.js';
import { personCloudHandlers } from './person-cloud.js';
import { personDeviceHandlers } from './person-device.js';
import { personTypeHandlers } from './person-types.js';
import { systemHandlers } from './system.js';
import { toolHandlers } from './tool.js';

export const handlerTable: Readonly<Record<string, Handler>> = {
  ...deviceHandlers,
  ...logHandlers,
  ...personCloudHandlers,
  ...personDeviceHandlers,
  ...personTypeHandlers,
  ...configHandlers,
  ...systemHandlers,
  ...toolHandlers,
};

export function allHandlers(): Map<string, Handler> {
  return new Map(Object.entries(handlerTable));
}
