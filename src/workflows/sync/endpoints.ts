/** The registry entries `person sync` and `person reconcile` use, looked up once. */
import { type EndpointDef, endpointById } from '../../registry/index.js';

function need(id: string): EndpointDef {
  const ep = endpointById(id);
  if (!ep) throw new Error(`registry has no ${id}`);
  return ep;
}

export interface SyncEndpoints {
  cloudList: EndpointDef;
  accessGet: EndpointDef;
  cardsGet: EndpointDef;
  deviceList: EndpointDef;
  deviceDelete: EndpointDef;
  cloudDelete: EndpointDef;
  unlink: EndpointDef;
  toDevice: EndpointDef;
  toCloud: EndpointDef;
  personTypes: EndpointDef;
  devices: EndpointDef;
}

let cached: SyncEndpoints | undefined;

export function syncEndpoints(): SyncEndpoints {
  cached ??= {
    cloudList: need('person.getPersonFromCloud'),
    accessGet: need('person.getPersonAcessTimeFromCloud'),
    cardsGet: need('person.getPersonCardInfoFromCloud'),
    deviceList: need('person.getPersonFromDevice'),
    deviceDelete: need('person.deletePersonFromDevice'),
    cloudDelete: need('person.deletePersonFromCloud'),
    unlink: need('person.deletePersonAssociation'),
    toDevice: need('person.toDevice'),
    toCloud: need('person.toCloud'),
    personTypes: need('person.getPersonType'),
    devices: need('device.getDevice'),
  };
  return cached;
}
