import { z } from 'zod';
import type { Agent } from '../agents/agent.js';
import type { PolicyEngine } from '../agents/policy.js';
import { AfkConfigError, formatIssues, fromZodIssues } from '../errors/index.js';
import type { AgentResult } from '../events/records.js';
import type { JSONValue } from '../internal/json.js';
import type { LLMClient, LLMResolver, Message } from '../llms/types.js';
import { MessageSchema } from '../llms/types.js';
import type { MemoryStore } from '../memory/types.js';
import type { TelemetrySink } from '../telemetry/index.js';
import type { Middleware } from '../tools/tool.js';
import type { RunnerConfigInput } from './config.js';
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
