/**
 * Typed errors and the exit codes they map to. Every failure a user can meet is one of these, so
 * `src/cli.ts` can print one clear message and return a documented exit code.
 */

/**
 * THE exit-code table: the code each outcome exits with and what it means. `ExitCode` is derived
 * from it, and `facetctl help exit-codes`, the root help's summary and docs/output.md restate it
 * (a test checks the docs against it).
 */
export const EXIT_CODES = {
  ok: { code: 0, short: 'ok', meaning: 'success: the call answered as documented' },
  error: {
    code: 1,
    short: 'API or runtime error',
    meaning: 'the API answered an error, or a network/runtime failure (after the retries)',
  },
  usage: {
    code: 2,
    short: 'usage or validation error (nothing sent)',
    meaning: 'usage or validation error: nothing was sent (bad flag or value, invalid --query, missing --yes)',
  },
  partial: { code: 3, short: 'partial failure', meaning: 'partial failure: some items failed, others succeeded' },
  auth: { code: 4, short: 'authentication (401/403)', meaning: 'authentication: 401 (source IP) or 403 (token)' },
  device: { code: 5, short: 'device unreachable', meaning: 'the device is unreachable (503 with a JSON body)' },
  cancelled: {
    code: 130,
    short: 'cancelled (Ctrl-C/SIGINT)',
    meaning: 'cancelled: SIGINT (Ctrl-C) after a clean stop, or a confirmation answered No',
  },
  terminated: {
    code: 143,
    short: 'terminated (SIGTERM)',
    meaning: 'terminated: SIGTERM after the same clean stop as Ctrl-C (128 + 15)',
  },
} as const satisfies Record<string, { code: number; short: string; meaning: string }>;

type ExitCodeTable = typeof EXIT_CODES;
export const ExitCode = Object.fromEntries(Object.entries(EXIT_CODES).map(([k, v]) => [k, v.code])) as {
  readonly [K in keyof ExitCodeTable]: ExitCodeTable[K]['code'];
};
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** One field error as the API reports it: `{name, message}`. */
export interface FieldError {
  name: string;
  message: string;
}

/** How a request that failed was tried: set by withRetry when it gives up after retrying. */
export interface RetrySummary {
  /** Requests sent (the first and the retries). */
  attempts: number;
  /** From the first request to the last failure, waits included, in ms. */
  elapsedMs: number;
}

export abstract class FacetError extends Error {
  abstract readonly exitCode: ExitCodeValue;
  /** Set when the error is the last of several attempts (core/retry.ts). */
  retried?: RetrySummary;
  /** Whether the client may retry the same request (only for endpoints marked repeatable). */
  get retryable(): boolean {
    return false;
  }
}

/** Bad flags, bad arguments, unknown commands. Nothing was sent. */
export class UsageError extends FacetError {
  readonly exitCode = ExitCode.usage;
}

/** Parameter validation failed locally. Nothing was sent. `fields` names every bad parameter. */
export class ValidationError extends FacetError {
  readonly exitCode = ExitCode.usage;
  constructor(
    readonly fields: FieldError[],
    message?: string,
    /**
     * The report's first line, after `error: ` (default `invalid parameters; nothing was sent`), e.g.
     * `3 invalid rows (read as CP932 …); nothing was sent (--skip-invalid imports the valid ones)`.
     */
    readonly headline?: string,
  ) {
    super(message ?? fields.map((f) => `${f.name}: ${f.message}`).join('\n'));
  }
}

/** The API answered with an error status or an error body. `errors` holds the API's messages verbatim. */
export class ApiError extends FacetError {
  readonly exitCode: ExitCodeValue = ExitCode.error;
  /** What the user can do, printed after the API's own messages (e.g. the /api1 hint on a 404). */
  hint?: string;
  constructor(
    readonly status: number,
    readonly errors: FieldError[],
    readonly body: unknown,
    message?: string,
  ) {
    super(message ?? (errors.length ? errors.map((e) => `${e.name}: ${e.message}`).join('\n') : `HTTP ${status}`));
  }
}

/** 400 `exclusion`: another request for the same serialNo is in progress. Transient. */
export class ExclusionError extends ApiError {
  override get retryable(): boolean {
    return true;
  }
}

/** 500, 502, or 503 with an empty body (maintenance). Transient. */
export class ServerUnavailableError extends ApiError {
  override get retryable(): boolean {
    return true;
  }
}

/** 401 (source IP not allowed) or 403 (token rejected). */
export class AuthError extends ApiError {
  override readonly exitCode = ExitCode.auth;
}

/** 503 with a JSON body: the device could not be reached or is not connected. */
export class DeviceError extends ApiError {
  override readonly exitCode = ExitCode.device;
}

/** Connection refused/reset, DNS failure, TLS failure, timeout. */
export class NetworkError extends FacetError {
  readonly exitCode = ExitCode.error;
  constructor(
    message: string,
    readonly code?: string,
    readonly transient = true,
  ) {
    super(message);
  }
  override get retryable(): boolean {
    return this.transient;
  }
}

/**
 * Some items failed and others succeeded (exit 3): the one way a partial outcome is signalled.
 * Without a message the items were already reported one by one and nothing more is printed; with
 * one, it is the summary line (`3 snapshots could not be saved`).
 */
export class PartialError extends FacetError {
  readonly exitCode = ExitCode.partial;
  constructor(message = '') {
    super(message);
  }
}

/** Ctrl-C, or a confirmation declined. */
export class CancelledError extends FacetError {
  readonly exitCode = ExitCode.cancelled;
  constructor(message = 'cancelled') {
    super(message);
  }
}

/** Local runtime failure with a clear message (file not found, disk full...). */
export class RuntimeError extends FacetError {
  readonly exitCode = ExitCode.error;
}

/**
 * Whether `err` concerns only the device a call named, so that a command reading several devices
 * reports that device (by serial, with the API's message) and goes on with the others: a 503 with a
 * body (DeviceError: offline, or its exchange with the cloud failed), or a 400 whose field errors
 * name the endpoint's device parameter (`deviceParam`, from the registry), which is how the cloud
 * refuses a serial the contract does not list (`serialNo: シリアルNo[X]のデバイスは契約されていません。`).
 * Authentication, maintenance, network and other parameter errors concern every device: false.
 */
export function isDeviceFailure(err: unknown, deviceParam: string | undefined): boolean {
  if (err instanceof DeviceError) return true;
  if (!(err instanceof ApiError) || err instanceof AuthError || err.retryable) return false;
  return deviceParam !== undefined && err.status === 400 && err.errors.some((e) => e.name === deviceParam);
}

export function exitCodeOf(err: unknown): ExitCodeValue {
  return err instanceof FacetError ? err.exitCode : ExitCode.error;
}

/** The signal names facetctl stops cleanly on, and the exit code each ends with (128 + signal number). */
export const SIGNAL_EXIT = { SIGINT: ExitCode.cancelled, SIGTERM: ExitCode.terminated } as const;
export type StopSignal = keyof typeof SIGNAL_EXIT;

/**
 * The abort reason `src/cli.ts` gives the context's signal: an `AbortError` (so every `isAbort` check
 * holds) that remembers which signal stopped the run.
 */
export function signalAbortReason(signal: StopSignal): DOMException & { signal: StopSignal } {
  return Object.assign(new DOMException(`stopped by ${signal}`, 'AbortError'), { signal });
}

/**
 * The exit code of a run that may have been stopped by a signal: a run that stopped cleanly after
 * the signal (0 or 130) ends with the signal's conventional code (SIGINT 130, SIGTERM 143); other
 * codes (a partial export, an API error) are kept.
 */
export function exitCodeAfterSignal(signal: AbortSignal, code: number): number {
  if (!signal.aborted || (code !== ExitCode.ok && code !== ExitCode.cancelled)) return code;
  const name = (signal.reason as { signal?: string } | undefined)?.signal;
  return name === 'SIGTERM' ? ExitCode.terminated : ExitCode.cancelled;
}

/** `facetctl help exit-codes`: the table above as text. */
export function exitCodesHelp(): string {
  const lines = ['Exit codes', ''];
  for (const { code, meaning } of Object.values(EXIT_CODES)) lines.push(`  ${String(code).padStart(3)}  ${meaning}`);
  lines.push('', 'stdout carries only data; every message goes to stderr.');
  return `${lines.join('\n')}\n`;
}

/** One line for the root help: `0 ok, 1 API or runtime error, ...`. */
export function exitCodesSummary(): string {
  return Object.values(EXIT_CODES)
    .map((c) => `${c.code} ${c.short}`)
    .join(', ');
}

/**
 * What the cloud answers when a device refuses a call (「デバイス[S]がエラーを返却しています。」): among
 * other causes, an AI camera asked for an API it does not have (facetCloud ver4.0: AI cameras take
 * only getPerson, toDevice, getPersonFromDevice, deletePersonFromDevice, getSystemInfo and
 * getPersonPictureFromDevice). Messages use it to name that usual cause.
 */
// biome-ignore lint/complexity/useRegexLiterals: a string keeps the bundle ASCII
export const DEVICE_REFUSED = new RegExp('デバイス\\[[^\\]]*\\]がエラーを返却しています。');
