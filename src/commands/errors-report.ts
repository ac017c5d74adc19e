/**
 * The one place that turns an error into words on stderr: facetctl's English line naming the
 * field or device, then the API's own messages verbatim (they are Japanese).
 */
import type { Context } from '../core/context.js';
import {
  ApiError,
  AuthError,
  CancelledError,
  DeviceError,
  ExclusionError,
  exitCodeOf,
  FacetError,
  NetworkError,
  PartialError,
  ServerUnavailableError,
  ValidationError,
} from '../core/errors.js';
import { terminalSafe } from '../core/untrusted-text.js';
import type { ApiName } from '../registry/types.js';

export interface ReportScope {
  /** What was being done, e.g. 'person to-device'. */
  command?: string;
  /** The device concerned, when the call was for one serial. */
  device?: string;
  /** Maps a wire parameter name to the flag the user typed (`personCode` → `--person-code`). */
  flagOf?: (wireName: string) => string;
  verbose?: boolean;
  /** Which service answered: a SenseLink 401 is about its app key, a facetCloud 401 about the source IP. */
  api?: ApiName;
}

/** `  after 4 attempts in 11.5 s (…)`: why a `--timeout 2` run took longer than 2 s. */
function retryLine(err: unknown): string[] {
  if (!(err instanceof FacetError) || !err.retried) return [];
  const { attempts, elapsedMs } = err.retried;
  return [
    `  after ${attempts} attempts (${attempts - 1} retries) in ${(elapsedMs / 1000).toFixed(1)} s: --timeout limits each attempt, --retries their number`,
  ];
}

/** Prints the error and returns the exit code it maps to. */
export function reportError(ctx: Context, err: unknown, scope: ReportScope = {}): number {
  const lines = [...describeError(err, scope), ...retryLine(err)];
  // The API's messages are data: shown, never run by the terminal.
  for (const line of lines) ctx.io.stderr.write(`${terminalSafe(line)}\n`);
  if (scope.verbose && err instanceof Error && !(err instanceof FacetError) && err.stack) {
    ctx.io.stderr.write(`${err.stack}\n`);
  }
  return exitCodeOf(err);
}

function where(scope: ReportScope): string {
  const parts = [scope.command, scope.device ? `device ${scope.device}` : undefined].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

function apiMessages(err: ApiError): string[] {
  return err.errors.map((e) => `  ${e.name}: ${e.message}`);
}

/** core/outcome's SenseLink errors say so; the scope says so when the command knows its endpoint. */
function fromSenseLink(err: ApiError, scope: ReportScope): boolean {
  return scope.api === 'senselink' || (scope.api === undefined && err.message.startsWith('SenseLink '));
}

function authReason(err: AuthError, scope: ReportScope): string {
  if (fromSenseLink(err, scope)) {
    return `SenseLink rejected the request (HTTP ${err.status}): check the profile's SenseLink app key and secret (FACETCTL_SENSELINK_APP_KEY, FACETCTL_SENSELINK_APP_SECRET)`;
  }
  return err.status === 401
    ? 'this source IP address is not allowed by the contract (HTTP 401)'
    : 'the API token was rejected (HTTP 403): check the token (--token-stdin, else FACETCTL_TOKEN, else the profile)';
}

/** The document tells these apart: 500 is an unexpected server error, 502 and a bodiless 503 are maintenance. */
function unavailableReason(err: ServerUnavailableError, at: string): string {
  const status = `(HTTP ${err.status})`;
  if (err.status === 502 || err.status === 503)
    return `the service is in maintenance${at} ${status}; try again shortly`;
  if (err.status === 504) return `the gateway timed out${at} ${status}; try again`;
  return `the server met an unexpected error${at} ${status}; it is usually temporary, try again later`;
}

export function describeError(err: unknown, scope: ReportScope = {}): string[] {
  const at = where(scope);
  if (err instanceof PartialError && err.message === '') return [];
  if (err instanceof ValidationError) {
    const flag = scope.flagOf ?? ((n: string) => n);
    return [
      err.headline ? `error${at}: ${err.headline}` : `error: invalid parameters${at}; nothing was sent`,
      ...err.fields.map((f) => `  ${flag(f.name)}: ${f.message}`),
    ];
  }
  if (err instanceof AuthError)
    return [`error: authentication failed${at}: ${authReason(err, scope)}`, ...apiMessages(err)];
  if (err instanceof DeviceError) {
    // The document's two 503 bodies: 「…に接続されていません。」 (not connected) and
    // 「デバイスとの通信が正常に行われませんでした。」 (connected, but the exchange failed).
    const failing = err.errors.some((f) => f.message.includes('通信が正常に行われませんでした'));
    const head = failing
      ? `error: the device is connected but its exchange with the cloud failed${at} (HTTP ${err.status}); check its network path and power, or restart it`
      : `error: the device could not be reached${at} (HTTP ${err.status})`;
    return [head, ...apiMessages(err)];
  }
  if (err instanceof ExclusionError) {
    return [`error: the device is busy with another request${at}; try again`, ...apiMessages(err)];
  }
  if (err instanceof ServerUnavailableError) return [`error: ${unavailableReason(err, at)}`, ...apiMessages(err)];
  if (err instanceof ApiError) {
    const msgs = apiMessages(err);
    if (msgs.length === 0 && err.message && err.message !== `HTTP ${err.status}`) msgs.push(`  ${err.message}`);
    else if (err.hint) msgs.push(`  hint: ${err.hint}`);
    return [`error: the API answered an error${at} (HTTP ${err.status})`, ...msgs];
  }
  if (err instanceof NetworkError) return [`error: network failure${at}: ${err.message}`];
  if (err instanceof CancelledError) return [`cancelled${at}: ${err.message}`];
  if (err instanceof FacetError)
    return err.message.split('\n').map((l, i) => (i === 0 ? `error${at}: ${l}` : `  ${l}`));
  const message = err instanceof Error ? err.message : String(err);
  return [`error${at}: ${message}`];
}
