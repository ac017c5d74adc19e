/** What every part of the emulator shares while it runs. */
import type { EndpointDef, EndpointId } from '../registry/index.js';
import type { Answer } from './envelope.js';
import type { ExclusiveLocks } from './exclusive.js';
import type { FaceAnalyzer } from './faces/index.js';
import type { Faults } from './faults.js';
import type { Journal } from './journal.js';
import type { PictureSigner } from './pictures.js';
import type { Db } from './store.js';

export interface EmuSettings {
  /** Default latency of a device the cloud contacts (per-device latency overrides it). */
  latencyMs: number;
  /**
   * Simulated network latency between the client and the cloud, in ms, added to every API call
   * (facetCloud and SenseLink; not the operator API or picture downloads): what a cloud 50 ms away does.
   */
  apiLatencyMs: number;
  entryExitMode: boolean;
  nameMasking: boolean;
  maintenance: boolean;
  allowIp: string[];
  senselink: { appKey: string; appSecret: string };
}

export interface Emu {
  db: Db;
  settings: EmuSettings;
  token: string;
  /** `http://host:port`, known once the server listens. */
  origin: string;
  faces: FaceAnalyzer;
  signer: PictureSigner;
  locks: ExclusiveLocks;
  faults: Faults;
  journal: Journal;
  log: (line: string) => void;
  /**
   * Set by the operator API: the next bulk device operation on that serial (deleteRecogLog,
   * clearPersonFromDevice, setConfig, setRebootSchedule) loses the device after this many items,
   * producing the documented partial-failure answers. Consumed once.
   */
  failAfter: Map<string, number>;
  /** Device-contacting calls wait this long (per-device latency, else the default). */
  sleep(ms: number): Promise<void>;
}

export interface Call {
  emu: Emu;
  ep: EndpointDef;
  /** Wire parameters without `ds-api-token` and `nochange-response-status`. */
  params: Record<string, string>;
  ip: string;
  /** Present when the endpoint names a device. */
  device?: import('./devices.js').CallDevice;
}

export type Handler = (call: Call) => Answer | Promise<Answer>;

/** A group file's handlers, keyed by registry id: a typo in an id does not compile. */
export type HandlerTable = Partial<Record<EndpointId, Handler>>;
