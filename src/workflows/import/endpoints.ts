/** The registry entries an import uses, looked up once. */
import { type EndpointDef, endpoint as need } from '../../registry/index.js';

export interface ImportEndpoints {
  check: EndpointDef;
  regist: EndpointDef;
  access: EndpointDef;
  cards: EndpointDef;
  toDevice: EndpointDef;
  devices: EndpointDef;
}

let cached: ImportEndpoints | undefined;

export function importEndpoints(): ImportEndpoints {
  cached ??= {
    check: need('person.checkPersonPicture'),
    regist: need('person.registPersonForCloud'),
    access: need('person.registPersonAcessTimeForCloud'),
    cards: need('person.registPersonCardInfoForCloud'),
    toDevice: need('person.toDevice'),
    devices: need('device.getDevice'),
  };
  return cached;
}
