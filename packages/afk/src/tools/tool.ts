import { z } from 'zod';
import { AfkConfigError, formatIssues } from '../errors/index.js';
import { DURATION_TOO_LONG, MAX_TIMER_MS } from '../internal/duration.js';
import type { JSONSchema, JSONValue } from '../internal/json.js';
import { isZodSchema } from '../internal/zod.js';

export type ToolEffects = 'pure' | 'idempotent' | 'side_effect';

/** Options of `ctx.defer(...)`: turn the call into a background ticket. */
export interface DeferOptions {
  /** Shown to the model now ("report is being generated"). */
  summary: string;
  resumeHint?: string;
  /** In-process work; when it settles, the ticket settles itself. Omit for external workers. */
  work?: Promise<unknown>;
  /** Ticket time to live (default 24 h). A timestamp (`expiresAt`), not a timer: no upper bound. */
  ttlMs?: number;
}

/** Returned by `ctx.defer`; return it from the tool body. */
export interface DeferredResult {
  readonly __afkDeferred: true;
  readonly options: DeferOptions;
}

/**
 * What a tool body receives besides its args. `signal` aborts on cancel, wall-time limit or the
 * tool's own timeout; pass it to fetch and friends.
 */
export interface ToolContext {
  runId: string;
  threadId: string;
  step: number;
  toolCallId: string;
  agentName: string;
  agentPath: string;
  signal: AbortSignal;
  /** The run's context (only keys a subagent inherited, for subagents). */
  context: Record<string, JSONValue>;
  /** Free-form per-call metadata hooks may read and write. */
  metadata: Record<string, JSONValue>;
  /** 1 for the first attempt, then 2, 3, ... under `retry`. */
  attempt: number;
  /** Defers the call: `return ctx.defer({ summary, work })`. */
  defer(opts: DeferOptions): DeferredResult;
}

export type PrehookFn<A> = (args: A, ctx: ToolContext) => A | Promise<A>;
export type PosthookFn = (output: unknown, ctx: ToolContext) => unknown;
export type MiddlewareFn<A = unknown> = (
  next: (args: A) => Promise<unknown>,
  args: A,
  ctx: ToolContext,
) => Promise<unknown>;

export interface Prehook<A = unknown> {
  readonly kind: 'prehook';
  readonly fn: PrehookFn<A>;
}
export interface Posthook {
  readonly kind: 'posthook';
  readonly fn: PosthookFn;
}
export interface Middleware<A = unknown> {
  readonly kind: 'middleware';
  readonly fn: MiddlewareFn<A>;
}

export interface ToolRetry {
  maxRetries: number;
  backoffMs?: number;
}

/** The definition passed to `tool()`. */
export interface ToolDefinition<S extends z.ZodType, O> {
  name: string;
  description: string;
  args: S;
  run: (args: z.output<S>, ctx: ToolContext) => O | Promise<O>;
  timeoutMs?: number;
  retry?: ToolRetry;
  effects?: ToolEffects;
  needsApproval?: boolean | ((args: z.output<S>, ctx: ToolContext) => boolean | Promise<boolean>);
  prehooks?: Array<Prehook<z.output<S>>>;
  posthooks?: Posthook[];
  middlewares?: Array<Middleware<z.output<S>>>;
  /**
   * JSON Schema sent to providers instead of the one derived from `args`: for tools whose
   * arguments are described by a foreign schema (MCP) and validated by a custom zod refinement.
   */
  parameters?: JSONSchema;
  /** Free-form, JSON-only facts about the tool (e.g. `{ source: 'mcp', server: 'files' }`). Default `{}`. */
  metadata?: Record<string, JSONValue>;
}

/** A tool as agents hold it. Create with `tool()`. */
export interface Tool<A = unknown, O = unknown> {
  readonly kind: 'tool';
  readonly name: string;
  readonly description: string;
  readonly args: z.ZodType<A>;
  /** JSON Schema of `args`, as sent to providers. */
  readonly parameters: JSONSchema;
  readonly effects: ToolEffects;
  readonly timeoutMs: number | undefined;
  readonly retry: ToolRetry | undefined;
  readonly needsApproval: boolean | ((args: A, ctx: ToolContext) => boolean | Promise<boolean>);
  readonly prehooks: ReadonlyArray<Prehook<A>>;
  readonly posthooks: ReadonlyArray<Posthook>;
  readonly middlewares: ReadonlyArray<Middleware<A>>;
  /** Facts about the tool's origin and nature (see `ToolDefinition.metadata`). */
  readonly metadata: Readonly<Record<string, JSONValue>>;
  run(args: A, ctx: ToolContext): O | Promise<O>;
}

/** A tool of any argument type, as stored in lists. */
// biome-ignore lint/suspicious/noExplicitAny: tool lists are heterogeneous; each tool validates its own args.
export type AnyTool = Tool<any, unknown>;

const NAME_RE = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * Defines a tool with zod-typed arguments. Arguments from the model are validated before `run`;
 * invalid ones never reach it (the model gets the zod issues as the tool result).
 * `effects` defaults to 'side_effect': journaled, never re-run blindly on resume.
 *
 * @example
 * const add = tool({
 *   name: 'add', description: 'Add two numbers',
 *   args: z.object({ a: z.number(), b: z.number() }),
 *   run: async ({ a, b }) => a + b,
 *   effects: 'pure',
 * });
 */
export function tool<S extends z.ZodType, O>(def: ToolDefinition<S, O>): Tool<z.output<S>, O> {
  const issues: Array<{ path: string[]; message: string }> = [];
  if (typeof def?.name !== 'string' || !NAME_RE.test(def.name)) {
    issues.push({ path: ['name'], message: 'must be 1-64 characters of letters, digits, _ or -' });
  }
  if (typeof def?.description !== 'string')
    issues.push({ path: ['description'], message: 'required string' });
  if (!isZodSchema(def?.args)) issues.push({ path: ['args'], message: 'must be a zod schema' });
  if (typeof def?.run !== 'function') issues.push({ path: ['run'], message: 'must be a function' });
  if (def?.timeoutMs !== undefined && !(def.timeoutMs > 0))
    issues.push({ path: ['timeoutMs'], message: 'must be > 0' });
  else if (def?.timeoutMs !== undefined && def.timeoutMs > MAX_TIMER_MS)
    issues.push({ path: ['timeoutMs'], message: DURATION_TOO_LONG });
  const backoff = def?.retry?.backoffMs;
  if (backoff !== undefined && !(backoff >= 0 && backoff <= MAX_TIMER_MS))
    issues.push({
      path: ['retry', 'backoffMs'],
      message: backoff > MAX_TIMER_MS ? DURATION_TOO_LONG : 'must be >= 0',
    });
  if (def?.retry !== undefined && !(Number.isInteger(def.retry.maxRetries) && def.retry.maxRetries >= 0)) {
    issues.push({ path: ['retry', 'maxRetries'], message: 'must be an integer >= 0' });
  }
  if (def?.effects !== undefined && !['pure', 'idempotent', 'side_effect'].includes(def.effects)) {
    issues.push({ path: ['effects'], message: "must be 'pure', 'idempotent' or 'side_effect'" });
  }
  let parameters: JSONSchema = { type: 'object', properties: {} };
  if (def?.parameters !== undefined) {
    if (typeof def.parameters !== 'object' || def.parameters === null || Array.isArray(def.parameters))
      issues.push({ path: ['parameters'], message: 'must be a JSON Schema object' });
    else parameters = def.parameters;
  } else if (isZodSchema(def?.args)) {
    try {
      parameters = z.toJSONSchema(def.args, { unrepresentable: 'any' }) as JSONSchema;
      delete parameters.$schema;
      if (parameters.type !== 'object') {
        const got = typeof parameters.type === 'string' ? `type '${parameters.type}'` : 'no object type';
        issues.push({
          path: ['args'],
          message: `must be an object schema such as z.object({...}) (providers take tool arguments as a JSON object); got ${got}`,
        });
      }
    } catch (e) {
      issues.push({ path: ['args'], message: `cannot be exported to JSON Schema: ${String(e)}` });
    }
  }
  if (issues.length) {
    throw new AfkConfigError(
      'invalid_config',
      `Invalid tool '${String(def?.name)}':\n${formatIssues(issues)}`,
      { issues },
    );
  }
  return Object.freeze({
    kind: 'tool' as const,
    name: def.name,
    description: def.description,
    args: def.args as z.ZodType<z.output<S>>,
    parameters,
    effects: def.effects ?? 'side_effect',
    timeoutMs: def.timeoutMs,
    retry: def.retry,
    needsApproval: def.needsApproval ?? false,
    prehooks: Object.freeze([...(def.prehooks ?? [])]),
    posthooks: Object.freeze([...(def.posthooks ?? [])]),
    middlewares: Object.freeze([...(def.middlewares ?? [])]),
    metadata: Object.freeze({ ...(def.metadata ?? {}) }),
    run: def.run,
  });
}

/** `prehook(fn(args, ctx) => args)`: runs before the middleware chain, in order. */
export function prehook<A = unknown>(fn: PrehookFn<A>): Prehook<A> {
  return { kind: 'prehook', fn };
}
/** `posthook(fn(output, ctx) => output)`: runs after the middleware chain, in order. */
export function posthook(fn: PosthookFn): Posthook {
  return { kind: 'posthook', fn };
}
/** `middleware(fn(next, args, ctx) => output)`: runner middlewares outermost, then the tool's. */
export function middleware<A = unknown>(fn: MiddlewareFn<A>): Middleware<A> {
  return { kind: 'middleware', fn };
}

export function isDeferred(v: unknown): v is DeferredResult {
  return typeof v === 'object' && v !== null && (v as DeferredResult).__afkDeferred === true;
}
