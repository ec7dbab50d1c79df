import { z } from 'zod';
import type {
  ApprovalRequest,
  BackgroundTicket,
  RunState,
  RunStatus,
  UsageAggregate,
} from '../events/records.js';
import type { RunEvent } from '../events/run-event.js';
import type { JSONValue } from '../internal/json.js';
import type { Message, ToolCall } from '../llms/types.js';
import type { RunRecord } from '../memory/types.js';

/** What a span stands for on the timeline. */
export type SpanKind = 'run' | 'step' | 'llm' | 'tool' | 'subagent' | 'approval' | 'background';

/**
 * `paused` = waiting on a human or a background result; `skipped` = a call the gate did not run
 * (denied, over a limit, invalid arguments); `running` = no end in the log yet.
 */
export type SpanStatus = 'running' | 'ok' | 'error' | 'paused' | 'skipped' | 'cancelled';

/**
 * One bar of the timeline. Times are epoch milliseconds from the log's `ts`; `fromSeq`/`toSeq`
 * are the log events that opened and closed it. Attributes follow the OpenTelemetry GenAI
 * conventions where one exists (`gen_ai.request.model`, `gen_ai.usage.input_tokens`, ...) and
 * are prefixed `afk.` otherwise.
 */
export interface Span {
  id: string;
  kind: SpanKind;
  name: string;
  runId: string;
  agentPath: string;
  startTs: number;
  endTs?: number;
  status: SpanStatus;
  fromSeq: number;
  toSeq?: number;
  attributes: Record<string, JSONValue>;
  children: Span[];
}

/** A run as a tree of spans, subagent runs nested under their `subagent` span. */
export interface Timeline {
  runId: string;
  threadId: string;
  agentName: string;
  state: RunStatus;
  startTs: number;
  endTs?: number;
  usage: UsageAggregate;
  eventCount: number;
  root: Span;
  /**
   * Set while the run is still being read and folded (`Debugger.loadTimeline`): `loaded` events
   * of about `total` are in this tree so far, and the run was last written at `untilTs` (where
   * the axis should end meanwhile). Absent on a complete timeline.
   */
  loading?: { loaded: number; total?: number; untilTs?: number };
}

/** The conversation and counters of a run as they were at one `seq` (time travel). */
export interface RunView {
  runId: string;
  seq: number;
  step: number;
  /** The transcript the model saw (or would see) at that point, without the system prompt. */
  messages: Message[];
  usage: UsageAggregate;
  counters: { step: number; llmCalls: number; toolCalls: number };
  pendingToolCalls: ToolCall[];
}

/** The portable form of a run and its subagent runs (see `Debugger.export`). */
export interface RunExport {
  format: 'afk-run-export';
  version: 1;
  exportedAt: number;
  rootRunId: string;
  runs: Array<{ run: RunRecord; events: RunEvent[] }>;
  approvals: ApprovalRequest[];
  tickets: BackgroundTicket[];
}

/** What one step of a run did, for `diff`. */
export interface StepSummary {
  step: number;
  /** `tools` when the model asked for tool calls, `answer` when it answered. */
  kind: 'tools' | 'answer' | 'failed';
  toolNames: string[];
  /** The tool calls' args and results, in order (what makes two same-shaped steps differ). */
  calls: Array<{ name: string; args: JSONValue; output?: string; isError?: boolean }>;
  text: string;
  durationMs: number;
  totalTokens: number;
  costUsd: number;
}

/** Two runs compared step by step (aligned by longest common subsequence of step shapes). */
export interface RunDiff {
  steps: Array<{ change: 'same' | 'changed' | 'added' | 'removed'; a?: StepSummary; b?: StepSummary }>;
  finalText: { a: string; b: string; same: boolean };
  tools: { onlyA: string[]; onlyB: string[] };
  /** b − a. */
  deltas: { durationMs: number; totalTokens: number; costUsd: number };
}

/** What `fork` may change at the fork point. */
export type ForkEdit = { userMessage: string } | { toolResult: { toolCallId: string; content: string } };

/** The end state of a run, or `running`/`paused` while it has none. */
export type TimelineState = RunState | 'running' | 'paused';

export const DebuggerConfigSchema = z
  .object({
    /** false: `attach` forwards nothing (the debugger can stay wired in production). Default true. */
    enabled: z.boolean().default(true),
    /** false: message texts, args and outputs are replaced by their sizes in exports and spans. */
    includeContent: z.boolean().default(true),
    /** Keys whose values are replaced by "[redacted]" in everything that leaves the store. */
    redactKeys: z
      .array(z.string().min(1))
      .default([
        'apiKey',
        'authorization',
        'password',
        'secret',
        'token',
        'cookie',
        'privateKey',
        'clientSecret',
      ]),
    /** Strings longer than this are cut (with a marker) in exports and span attributes. */
    maxPayloadChars: z.number().int().positive().default(100_000),
    /** Put the messages each model call saw on its `llm` span (`gen_ai.input.messages`). */
    captureLlmPayloads: z.boolean().default(false),
  })
  .strict();

/**
 * Options of the `Debugger`. Defaults: `enabled true`, `includeContent true`, the runner's
 * default `redactKeys`, `maxPayloadChars 100_000`, `captureLlmPayloads false`.
 */
export type DebuggerConfig = z.input<typeof DebuggerConfigSchema>;
export type ResolvedDebuggerConfig = z.output<typeof DebuggerConfigSchema>;
