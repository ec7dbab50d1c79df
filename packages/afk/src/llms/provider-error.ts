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

/**
 * Replaces every secret (4+ characters) in `text` by `[redacted]`.
 *
 * @example
 * scrubSecrets('bad key sk-abcd', ['sk-abcd']) // 'bad key [redacted]'
 */
export function scrubSecrets(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('[redacted]');
  return out;
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
