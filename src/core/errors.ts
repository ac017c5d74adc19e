/**
 * Typed errors and the exit codes they map to. Every failure a user can meet is one of these, so
 * `src/cli.ts` can print one clear message and return a documented exit code.
 *
 * | exit | meaning |
 * |------|---------|
 * | 0 | ok |
 * | 1 | the API answered an error, or a network/runtime failure (retries ran out) |
 * | 2 | usage or validation error: nothing was sent |
 * | 3 | partial failure: some items failed, others succeeded |
 * | 4 | authentication: 401 (source IP not allowed) or 403 (token) |
 * | 5 | device unreachable: 503 with a JSON body |
 * | 130 | cancelled (Ctrl-C, or a confirmation declined) |
 */

export const ExitCode = {
  ok: 0,
  error: 1,
  usage: 2,
  partial: 3,
  auth: 4,
  device: 5,
  cancelled: 130,
} as const;
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

export function exitCodeOf(err: unknown): ExitCodeValue {
  return err instanceof FacetError ? err.exitCode : ExitCode.error;
}
