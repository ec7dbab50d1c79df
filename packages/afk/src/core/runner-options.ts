import { z } from 'zod';
import type { Agent } from '../agents/agent.js';
import type { PolicyEngine } from '../agents/policy.js';
import { AfkConfigError, type AfkIssue, formatIssues, fromZodIssues } from '../errors/index.js';
import type { AgentResult } from '../events/records.js';
import type { JSONValue } from '../internal/json.js';
import type { LLMClient, LLMResolver, Message } from '../llms/types.js';
import { MessageSchema } from '../llms/types.js';
import type { MemoryStore } from '../memory/types.js';
import type { TelemetrySink } from '../telemetry/index.js';
import type { Middleware } from '../tools/tool.js';
import { type RunnerConfig, type RunnerConfigInput, RunnerConfigSchema } from './config.js';
import type { InteractionProvider } from './interaction.js';
import type { RetentionOutcome, RetentionPolicy } from './retention.js';
import type { AgentStreamEvent } from './stream.js';

/** Options of `run`/`runStream`. */
export interface RunOptions {
  userMessage?: string | Message[];
  /** Runs on the same thread share conversation memory. Default: a new thread. */
  threadId?: string;
  context?: Record<string, JSONValue>;
  signal?: AbortSignal;
  /** Use a known run id (e.g. to correlate with your own records). Default: generated. */
  runId?: string;
}

export interface ResumeOptions {
  runId: string;
  threadId: string;
  /** The run's context; secrets are never stored, so pass them again here. */
  context?: Record<string, JSONValue>;
  signal?: AbortSignal;
}

/** The constructor options of `Runner`. */
export interface RunnerOptions {
  /** Default `InMemoryStore`; pass `new DexieStore({ name })` to persist to IndexedDB. */
  store?: MemoryStore;
  config?: RunnerConfigInput;
  /** Runs after each agent's own policy. */
  policy?: PolicyEngine;
  /** Decides approvals in `interactive` mode. */
  interaction?: InteractionProvider;
  telemetry?: TelemetrySink;
  /** Resolves model strings ('openai:gpt-4.1-mini') to clients; default: the built-in providers. */
  llms?: LLMResolver | Record<string, LLMClient>;
  /** Tool middlewares applied to every tool call, outermost. */
  middlewares?: Middleware[];
}

/** A running stream: iterate it for events; `result` resolves with the final `AgentResult`. */
export interface AgentStreamHandle extends AsyncIterable<AgentStreamEvent> {
  readonly runId: string;
  readonly threadId: string;
  readonly result: Promise<AgentResult>;
  /** Aborts the run now (state `cancelled`). */
  cancel(): void;
  /** Pauses at the next step boundary (state `interrupted`, resumable). */
  interrupt(): void;
  /** Another independent view of the same stream, from now on, with bounded buffering. */
  subscribe(): AsyncIterableIterator<AgentStreamEvent>;
}

/** How `runSync` names an agent: the module that defines it and the export (default `agent`). */
export interface AgentRef {
  module: string | URL;
  export?: string;
}

export interface CompactionPolicy {
  /** Drop events already covered by the run's latest snapshot (default true). */
  dropEventsBeforeSnapshot?: boolean;
  /** Snapshots kept per run (default 1, the newest). */
  keepSnapshots?: number;
  /**
   * Compacts the thread's memory too (what the next run is sent): keep the last N messages,
   * drop old tool results, summarise older history with a model. See `RetentionPolicy`.
   */
  retention?: RetentionPolicy;
}

export interface CompactionResult {
  threadId: string;
  runs: number;
  eventsDeleted: number;
  snapshotsDeleted: number;
  /** Set when `policy.retention` was given. */
  retention?: RetentionOutcome;
}

/** Validates `RunnerOptions` (the config is validated by `RunnerConfigSchema`). */
export const OptionsSchema = z
  .object({
    store: z
      .custom<MemoryStore>(
        (v) => typeof v === 'object' && v !== null && typeof (v as MemoryStore).write === 'function',
        'must implement MemoryStore',
      )
      .optional(),
    config: z.unknown().optional(),
    policy: z
      .custom<PolicyEngine>(
        (v) => typeof v === 'object' && v !== null && typeof (v as PolicyEngine).evaluate === 'function',
        'must be a PolicyEngine',
      )
      .optional(),
    interaction: z
      .custom<InteractionProvider>(
        (v) => typeof v === 'object' && v !== null && typeof (v as InteractionProvider).decide === 'function',
        'must have decide()',
      )
      .optional(),
    telemetry: z
      .custom<TelemetrySink>(
        (v) => typeof v === 'object' && v !== null && typeof (v as TelemetrySink).startSpan === 'function',
        'must be a TelemetrySink',
      )
      .optional(),
    llms: z
      .union([
        z.custom<LLMResolver>((v) => typeof v === 'function'),
        z.record(
          z.string(),
          z.custom<LLMClient>((v) => typeof v === 'object' && v !== null),
        ),
      ])
      .optional(),
    middlewares: z
      .array(
        z.custom<Middleware>(
          (v) => typeof v === 'object' && v !== null && (v as Middleware).kind === 'middleware',
          'must be created with middleware()',
        ),
      )
      .optional(),
  })
  .strict();

/** An AbortSignal (duck-typed: one from another realm is accepted). */
const SignalSchema = z.custom<AbortSignal>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    typeof (v as AbortSignal).aborted === 'boolean' &&
    typeof (v as AbortSignal).addEventListener === 'function',
  'must be an AbortSignal',
);

const RunOptionsSchema = z.object({
  userMessage: z.union([z.string(), z.array(z.unknown())]).optional(),
  threadId: z.string().min(1).optional(),
  context: z.record(z.string(), z.unknown()).optional(),
  signal: SignalSchema.optional(),
  runId: z.string().min(1).optional(),
});

const ResumeOptionsSchema = z.object({
  runId: z.string().min(1),
  threadId: z.string().min(1),
  context: z.record(z.string(), z.unknown()).optional(),
  signal: SignalSchema.optional(),
});

/** Checks the options of `run`/`runStream`/`runSync` (messages are checked by `toMessages`). */
export function assertRunOptions(opts: unknown): asserts opts is RunOptions {
  check(RunOptionsSchema, opts, 'run options');
}

/** Checks the options of `resume`/`resumeStream`. */
export function assertResumeOptions(opts: unknown): asserts opts is ResumeOptions {
  check(ResumeOptionsSchema, opts, 'resume options');
}

/** A Runner API's options must be an object (`what` names the API in the error). */
export function assertOptionsObject(opts: unknown, what: string): void {
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts))
    throw new AfkConfigError('invalid_argument', `${what} expects an options object, got ${describe(opts)}`);
}

/** The `{ threadId, runId }` that scope a background-ticket API. */
export function assertTicketScope(
  opts: unknown,
  what: string,
): asserts opts is { threadId: string; runId: string } {
  assertOptionsObject(opts, what);
  const o = opts as { threadId?: unknown; runId?: unknown };
  assertId(o.threadId, `${what}: threadId`);
  assertId(o.runId, `${what}: runId`);
}

/** A non-empty string argument. */
export function assertId(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string' || value === '')
    throw new AfkConfigError(
      'invalid_argument',
      `${what} must be a non-empty string, got ${describe(value)}`,
    );
}

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}

function check(schema: z.ZodType, value: unknown, what: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new AfkConfigError(
      'invalid_argument',
      `Invalid ${what}: expected an object, got ${describe(value)}`,
    );
  const parsed = schema.safeParse(value);
  if (parsed.success) return;
  const issues = fromZodIssues(parsed.error.issues);
  throw new AfkConfigError('invalid_argument', `Invalid ${what}:\n${formatIssues(issues)}`, { issues });
}

/** Runner options holding objects with methods: they cannot cross into `runSync`'s worker. */
export const THREAD_BOUND_OPTIONS = [
  'store',
  'llms',
  'policy',
  'interaction',
  'telemetry',
  'middlewares',
] as const;

/**
 * Checks the `Runner` constructor's options and config, and refuses them with one
 * `AfkConfigError` listing every issue (`interactionMode: 'interactive'` without an
 * `interaction` provider is one).
 */
export function parseRunnerOptions(given: unknown): { options: RunnerOptions; config: RunnerConfig } {
  const issues: AfkIssue[] = [];
  const parsed = OptionsSchema.safeParse(given);
  if (!parsed.success) issues.push(...fromZodIssues(parsed.error.issues));
  // (null or a non-object was reported above; check the rest as if no option was given)
  const options: RunnerOptions = typeof given === 'object' && given !== null ? given : {};
  const cfg = RunnerConfigSchema.safeParse(options.config ?? {});
  if (!cfg.success)
    issues.push(...fromZodIssues(cfg.error.issues).map((i) => ({ ...i, path: ['config', ...i.path] })));
  const mode = (options.config as { interactionMode?: unknown } | undefined)?.interactionMode;
  if (mode === 'interactive' && options.interaction === undefined)
    issues.push({
      path: ['interaction'],
      message:
        "interactionMode 'interactive' needs an InteractionProvider (options.interaction); " +
        "use 'external' to decide approvals with decideApproval + resume",
      code: 'missing_interaction_provider',
    });
  if (issues.length || !cfg.success)
    throw new AfkConfigError('invalid_config', `Invalid Runner options:\n${formatIssues(issues)}`, {
      issues,
    });
  return { options, config: cfg.data };
}

export function assertAgent(agent: Agent): void {
  if (agent?.kind !== 'agent') throw new AfkConfigError('invalid_argument', 'expected an Agent instance');
}

/** `userMessage` as messages (a string is one user message); invalid messages are refused. */
export function toMessages(input: string | Message[] | undefined): Message[] {
  if (input === undefined) return [];
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  const parsed = z.array(MessageSchema).safeParse(input);
  if (!parsed.success) {
    const issues = fromZodIssues(parsed.error.issues);
    throw new AfkConfigError('invalid_argument', `Invalid userMessage:\n${formatIssues(issues)}`, { issues });
  }
  return parsed.data as Message[];
}
