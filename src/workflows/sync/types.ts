/**
 * Shapes shared by `person sync` and `person reconcile`: the client they need, the scope a file
 * speaks for, and what the cloud and the devices hold.
 */
import type { FacetClient } from '../../core/client.js';

/**
 * The part of the FacetClient (src/core/client.ts) sync and reconcile use: calls, page walks
 * (getPersonFromCloud/getPersonFromDevice, 100 a page) and picture downloads with the answer's
 * pictureCookie (the token is never sent to the picture host).
 */
export type SyncClient = Pick<FacetClient, 'call' | 'pages' | 'fetchPicture'>;

/**
 * Which existing persons a file speaks for (everything outside is never changed nor removed).
 * Criteria combine with AND; no criterion means every person of the contract.
 */
export interface SyncScope {
  /** `--person-code-prefix P`: persons whose personCode starts with P. */
  personCodePrefix?: string;
  /** `--person-type T`: persons of person type code T (entry/exit mode contracts only). */
  personTypeCode?: string;
  /**
   * `--scope-serial S` (repeatable): persons held by one of these devices (as the cloud believes,
   * plus what the devices answer with --check-devices); removals from devices happen only on them.
   */
  serials: string[];
}

/** One person as getPersonFromCloud lists it (document: クラウドサーバーに登録された人物の検索). */
export interface CloudPerson {
  personCode: string;
  personName: string | null;
  sex: string | null;
  birthday: string | null;
  memo: string | null;
  personTypeName: string | null;
  /** The devices the cloud believes hold the person (only as far as the cloud took part). */
  serialNos: string[];
  /** SHA-256 (hex) of the cloud's picture, when it was fetched. */
  pictureSha256?: string;
}
