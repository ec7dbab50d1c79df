/**
 * The AFK error family. Every error the SDK throws is an `AfkError` with a stable string `code`
 * and the original `cause`. Recognise them with `isAfkError(e)` or by `name`/`code`: `instanceof`
 * breaks when two copies of the package are loaded.
 *
 * Runs never throw for a failed *run* (the result says so); errors are thrown for programmer
 * mistakes (bad config, unknown ids) and surface inside results as `{ code, message }`.
 *
 * @example
 * try { new Agent({ name: '' , model: 'scripted:demo' }) }
 * catch (e) { if (isAfkError(e) && e.code === 'invalid_config') console.log(e.issues) }
 */
export type AfkErrorCode =
  | 'invalid_config'
  | 'invalid_argument'
  | 'not_found'
  | 'unsupported'
  | 'aborted'
  | 'cancelled'
  | 'timeout'
  | 'limit_exceeded'
  | 'llm_error'
  | 'llm_rate_limited'
  | 'llm_unavailable'
  | 'llm_bad_request'
  | 'llm_auth'
  | 'llm_bad_response'
  | 'llm_stream_idle'
  | 'structured_output_invalid'
  | 'circuit_open'
  | 'replay_missing'
  | 'tool_error'
  | 'tool_timeout'
  | 'tool_invalid_args'
  | 'tool_not_found'
  | 'tool_denied'
  | 'subagent_error'
  | 'subagent_depth'
  | 'subagent_cycle'
  | 'policy_error'
  | 'policy_denied'
  | 'approval_stale'
  | 'approval_not_found'
  | 'approval_rejected'
  | 'ticket_not_found'
  | 'storage_error'
  | 'storage_quota'
  | 'storage_closed'
  | 'storage_blocked'
  | 'storage_version'
  | 'checkpoint_corrupt'
  | 'log_corrupt'
  | 'storage_foreign'
  | 'row_corrupt'
  | 'run_leased'
  | 'side_effect_unknown'
  | 'worker_died'
  | 'bridge_error'
  | 'bridge_unreachable'
  | 'bridge_refused'
  | 'internal';

/** One issue of a validation failure; data, not prose (mirrors zod's issues). */
export interface AfkIssue {
  path: Array<string | number>;
  message: string;
  code?: string;
}

export interface AfkErrorOptions {
  cause?: unknown;
  issues?: AfkIssue[];
}

/** Root of the AFK error family. */
export class AfkError extends Error {
  override name = 'AfkError';
  readonly code: AfkErrorCode;
  readonly issues: AfkIssue[];
  constructor(code: AfkErrorCode, message: string, options: AfkErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.issues = options.issues ?? [];
  }
  /** A plain `{ code, message }` for results, events and exports. */
  toJSON(): { code: AfkErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

/** Invalid configuration; `issues` lists every problem found, not just the first. */
export class AfkConfigError extends AfkError {
  override name = 'AfkConfigError';
}

export interface AfkLLMErrorOptions extends AfkErrorOptions {
  status?: number;
  requestId?: string;
  retryable?: boolean;
  retryAfterMs?: number;
  provider?: string;
  model?: string;
}

/** A model provider failed. `retryable` says whether the resilience layer may try again. */
export class AfkLLMError extends AfkError {
  override name = 'AfkLLMError';
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly provider: string | undefined;
  readonly model: string | undefined;
  constructor(code: AfkErrorCode, message: string, options: AfkLLMErrorOptions = {}) {
    super(code, message, options);
    this.status = options.status;
    this.requestId = options.requestId;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.provider = options.provider;
    this.model = options.model;
  }
}

/** A tool call failed (body error, timeout, invalid arguments, denial). */
export class AfkToolError extends AfkError {
  override name = 'AfkToolError';
}

/** Persistence failed; Dexie/IndexedDB errors are wrapped by name (quota, closed, ...). */
export class AfkStorageError extends AfkError {
  override name = 'AfkStorageError';
}

/** A policy rule or engine misbehaved. */
export class AfkPolicyError extends AfkError {
  override name = 'AfkPolicyError';
}

/** An operation was aborted through its AbortSignal. */
export class AfkAbortError extends AfkError {
  override name = 'AfkAbortError';
  constructor(message = 'aborted', options: AfkErrorOptions = {}) {
    super('aborted', message, options);
  }
}

/** The feature cannot work in this environment (e.g. `runSync` in a browser main thread). */
export class AfkUnsupportedError extends AfkError {
  override name = 'AfkUnsupportedError';
  constructor(message: string, options: AfkErrorOptions = {}) {
    super('unsupported', message, options);
  }
}

const AFK_ERROR_NAMES = new Set([
  'AfkError',
  'AfkConfigError',
  'AfkLLMError',
  'AfkToolError',
  'AfkStorageError',
  'AfkPolicyError',
  'AfkAbortError',
  'AfkUnsupportedError',
]);

/** True for any AFK error, also across duplicate package copies (checks `name` and `code`). */
export function isAfkError(e: unknown): e is AfkError {
  return (
    e instanceof AfkError ||
    (typeof e === 'object' &&
      e !== null &&
      AFK_ERROR_NAMES.has((e as { name?: unknown }).name as string) &&
      typeof (e as { code?: unknown }).code === 'string')
  );
}

/** True when `e` is an abort (AFK's or the platform's `AbortError`). */
export function isAbortError(e: unknown): boolean {
  if (isAfkError(e)) return e.code === 'aborted' || e.code === 'cancelled';
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'AbortError';
}

/** `{ code, message }` for any thrown value, for results and events. */
export function toErrorInfo(
  e: unknown,
  fallback: AfkErrorCode = 'internal',
): { code: string; message: string } {
  if (isAfkError(e)) return { code: e.code, message: e.message };
  if (e instanceof Error) return { code: fallback, message: e.message };
  return { code: fallback, message: String(e) };
}

/** Turns zod issues into AFK issues. */
export function fromZodIssues(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string; code?: string }>,
): AfkIssue[] {
  return issues.map((i) => ({
    path: i.path.map((p) => (typeof p === 'number' ? p : String(p))),
    message: i.message,
    ...(i.code === undefined ? {} : { code: i.code }),
  }));
}

/** Formats issues as one readable line each. */
export function formatIssues(issues: AfkIssue[]): string {
  return issues.map((i) => `  - ${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('\n');
}
