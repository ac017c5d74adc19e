/**
 * One stderr line per failed item, naming the device (and file or key) first and then the API's
 * own words verbatim, so a person reading a terminal sees which device failed and why without
 * reading the JSON on stdout.
 */
import { ApiError } from '../../core/errors.js';

/** The API's messages (`name: message`, Japanese, verbatim), else the error's own message, one per entry. */
export function failureReasons(err: unknown): string[] {
  if (err instanceof ApiError && err.errors.length > 0) return err.errors.map((e) => `${e.name}: ${e.message}`);
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n').filter((l) => l.trim() !== '');
}

/** `SERIAL: [what: ]reason` lines, one per reason. */
export function failureLines(serialNo: string, err: unknown, what?: string): string[] {
  const prefix = what ? `${serialNo}: ${what}: ` : `${serialNo}: `;
  return failureReasons(err).map((r) => `${prefix}${r}`);
}
