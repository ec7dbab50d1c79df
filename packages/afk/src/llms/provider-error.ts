import { AfkLLMError, isAfkError } from '../errors/index.js';
import { classifyStatus } from './errors.js';

/** Anything with a `get(name)` like `Headers`, or a plain record of header values. */
export type HeaderBag = { get(name: string): string | null } | Record<string, string | string[] | undefined>;

function header(headers: HeaderBag | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(n: string): string | null }).get(name) ?? undefined;
  }
  const v = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * How long a server asked us to wait, in ms: `retry-after-ms`, else `retry-after` as seconds or
 * an HTTP date. Undefined when absent or unparseable; never negative.
 *
 * @example
 * parseRetryAfter(new Headers({ 'retry-after': '2' })) // 2000
 */
export function parseRetryAfter(
  headers: HeaderBag | undefined,
  now: number = Date.now(),
): number | undefined {
  const ms = header(headers, 'retry-after-ms');
  if (ms !== undefined && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const ra = header(headers, 'retry-after');
  if (ra === undefined || ra.trim() === '') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(ra)) return Math.max(0, Number(ra) * 1000);
  const date = Date.parse(ra);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Who failed, and which strings must never appear in the error. */
export interface ErrorContext {
  provider: string;
  model: string;
  /** Strings that must never appear in an error message (API keys). */
  secrets?: ReadonlyArray<string | undefined>;
}

/** A bearer credential written out in text (`Authorization: Bearer sk-...`). */
const BEARER = /\b(Bearer)\s+[A-Za-z0-9\-._~+/]+=*/g;

/**
 * Replaces every secret (4+ characters) in `text` by `[redacted]`, and the credential of any
 * `Bearer <token>` written in it.
 *
 * @example
 * scrubSecrets('bad key sk-abcd', ['sk-abcd']) // 'bad key [redacted]'
 */
export function scrubSecrets(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('[redacted]');
  return out.replace(BEARER, '$1 [redacted]');
}

/**
 * Every credential a client holds, as strings to scrub from errors: the API key, every header
 * value (a header is how keys travel to gateways: `x-api-key`, `api-key`, `Authorization`), and
 * the token inside an `Authorization: Bearer <token>` / `Basic <token>` value.
 *
 * @example
 * credentialSecrets('sk-1234', { 'x-api-key': 'k-5678' }) // ['sk-1234', 'k-5678']
 */
export function credentialSecrets(
  apiKey: string | undefined,
  headers: Record<string, string> | undefined,
): string[] {
  const out: string[] = [];
  const add = (v: string | undefined) => {
    if (v && v.length >= 4 && !out.includes(v)) out.push(v);
  };
  add(apiKey);
  for (const v of Object.values(headers ?? {})) {
    if (typeof v !== 'string') continue;
    add(v);
    const m = /^\s*(?:Bearer|Basic|Token)\s+(\S+)\s*$/i.exec(v);
    if (m) add(m[1]);
  }
  return out;
}

function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined) return '';
  try {
    return JSON.stringify(v) ?? '';
  } catch {
    return '';
  }
}

function mentions(text: string, live: readonly string[]): boolean {
  if (!text) return false;
  BEARER.lastIndex = 0;
  return live.some((k) => text.includes(k)) || BEARER.test(text);
}

/** Whether an error (its message, body and cause chain) carries a credential anywhere. */
function carriesSecret(e: unknown, live: readonly string[], depth: number): boolean {
  if (typeof e === 'string') return mentions(e, live);
  if (typeof e !== 'object' || e === null || depth > 5) return false;
  const o = e as { message?: unknown; error?: unknown; cause?: unknown; stack?: unknown };
  return (
    mentions(textOf(o.message), live) ||
    mentions(textOf(o.error), live) ||
    mentions(textOf(o.stack), live) ||
    carriesSecret(o.cause, live, depth + 1)
  );
}

/** A plain, scrubbed copy of a foreign error (an SDK error's body and headers are dropped). */
function scrubbedCopy(e: unknown, live: readonly string[], depth: number): unknown {
  if (typeof e === 'string') return scrubSecrets(e, live);
  if (typeof e !== 'object' || e === null) return e;
  const o = e as { name?: unknown; message?: unknown; cause?: unknown; status?: unknown };
  const copy = new Error(scrubSecrets(textOf(o.message), live));
  copy.name = typeof o.name === 'string' ? o.name : 'Error';
  if (typeof o.status === 'number') (copy as Error & { status?: number }).status = o.status;
  if (o.cause !== undefined && depth < 5) copy.cause = scrubbedCopy(o.cause, live, depth + 1);
  return copy;
}

/**
 * Removes every credential from an error before it leaves an LLM client: the message and stack
 * are scrubbed in place (an `AfkError` keeps its class, code and fields), and a cause that
 * carries a credential is replaced by a scrubbed plain copy, so nothing that serialises the
 * error (`llm_failed`, `run_completed.error`, snapshots, results, logs) can see one. Errors
 * without a credential are returned untouched.
 *
 * @example
 * catch (e) { throw scrubError(e, credentialSecrets(apiKey, headers)) }
 */
export function scrubError<E>(e: E, secrets: ReadonlyArray<string | undefined>): E {
  const live = secrets.filter((x): x is string => typeof x === 'string' && x.length >= 4);
  if (!carriesSecret(e, live, 0)) return e;
  if (typeof e === 'string') return scrubSecrets(e, live) as E;
  if (!isAfkError(e)) return scrubbedCopy(e, live, 0) as E;
  const o = e as unknown as { message: string; stack?: string; cause?: unknown };
  try {
    o.message = scrubSecrets(o.message, live);
    if (typeof o.stack === 'string') o.stack = scrubSecrets(o.stack, live);
    if (o.cause !== undefined && carriesSecret(o.cause, live, 1)) {
      o.cause = isAfkError(o.cause) ? scrubError(o.cause, live) : scrubbedCopy(o.cause, live, 1);
    }
    return e;
  } catch {
    // A frozen error: hand out a scrubbed copy of the same code instead.
    return new AfkLLMError(e.code, scrubSecrets(e.message, live)) as unknown as E;
  }
}

interface HttpErrorShape {
  status?: unknown;
  headers?: HeaderBag;
  requestID?: unknown;
  message?: unknown;
  name?: unknown;
}

/**
 * Turns anything a provider threw into an `AfkLLMError` with a retry classification:
 * HTTP status errors via `classifyStatus` (+ `Retry-After`), network failures retryable,
 * malformed bodies `llm_bad_response` (retryable: a proxy hiccup is usually transient),
 * anything else `llm_error` (not retryable). Secrets are scrubbed from the message; the
 * original error stays as `cause` (replaced by a scrubbed copy if it carries a secret). Existing
 * `AfkLLMError`s pass through. Use it in your own providers so the resilience layer can classify.
 *
 * @example
 * catch (e) { throw toLLMError(e, { provider: 'my-gw', model, secrets: [apiKey] }) }
 */
export function toLLMError(e: unknown, ctx: ErrorContext): AfkLLMError {
  if (e instanceof AfkLLMError) return e;
  if (isAfkError(e) && e.name === 'AfkLLMError') return e as AfkLLMError;
  const shape = (typeof e === 'object' && e !== null ? e : {}) as HttpErrorShape;
  const rawMessage = typeof shape.message === 'string' ? shape.message : String(e);
  const message = scrubSecrets(rawMessage, ctx.secrets);
  const base = { cause: safeCause(e, rawMessage, ctx.secrets), provider: ctx.provider, model: ctx.model };
  const requestId = typeof shape.requestID === 'string' ? { requestId: shape.requestID } : {};
  if (typeof shape.status === 'number') {
    const cls = classifyStatus(shape.status);
    const retryAfterMs = parseRetryAfter(shape.headers);
    return new AfkLLMError(cls.code, `${ctx.provider}:${ctx.model} failed: ${message}`, {
      ...base,
      ...requestId,
      status: shape.status,
      retryable: cls.retryable,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  const name = typeof shape.name === 'string' ? shape.name : '';
  if (e instanceof SyntaxError || /malformed|could not parse|unexpected token|json/i.test(rawMessage)) {
    return new AfkLLMError(
      'llm_bad_response',
      `${ctx.provider}:${ctx.model} sent a malformed response: ${message}`,
      {
        ...base,
        ...requestId,
        retryable: true,
      },
    );
  }
  if (
    name === 'APIConnectionError' ||
    name === 'APIConnectionTimeoutError' ||
    e instanceof TypeError ||
    /network|fetch failed|terminated|socket|ECONN|EPIPE|other side closed/i.test(rawMessage)
  ) {
    return new AfkLLMError('llm_unavailable', `${ctx.provider}:${ctx.model} connection failed: ${message}`, {
      ...base,
      ...requestId,
      retryable: true,
    });
  }
  return new AfkLLMError('llm_error', `${ctx.provider}:${ctx.model} failed: ${message}`, {
    ...base,
    ...requestId,
  });
}

/** The original error, unless it carries a secret (a server echoing the key): then a scrubbed copy. */
function safeCause(e: unknown, rawMessage: string, secrets: ReadonlyArray<string | undefined> = []): unknown {
  const live = secrets.filter((x): x is string => typeof x === 'string' && x.length >= 4);
  if (!live.length) return e;
  let body = '';
  try {
    body = JSON.stringify((e as { error?: unknown }).error ?? null) ?? '';
  } catch {
    body = '';
  }
  if (!live.some((k) => rawMessage.includes(k) || body.includes(k))) return e;
  const copy = new Error(scrubSecrets(rawMessage, live));
  copy.name = typeof (e as { name?: unknown }).name === 'string' ? (e as { name: string }).name : 'Error';
  return copy;
}
