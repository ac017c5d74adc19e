/** Every endpoint's handler, keyed by the registry id (`person.toDevice`). */
import type { EndpointId } from '../../registry/index.js';
import type { Handler } from '../emu.js';
import { configHandlers } from './config.js';
import { deviceHandlers } from './device.js';
import { logHandlers } from './log.js';
import { personCloudHandlers } from './person-cloud.js';
import { personDeviceHandlers } from './person-device.js';
import { personTypeHandlers } from './person-types.js';
import { systemHandlers } from './system.js';
import { toolHandlers } from './tool.js';

/**
 * The facetCloud endpoints the JSON pipeline serves: every registry entry but SenseLink's (served by
 * senselink.ts) and the public script (served by http-server.ts). The type makes a missing handler a
 * compile error.
 */
type PipelineId = Exclude<EndpointId, `senselink.${string}` | 'tool.setPictureCookie'>;

export const handlerTable: Readonly<Record<PipelineId, Handler>> = {
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
  return new Map<string, Handler>(Object.entries(handlerTable));
}
