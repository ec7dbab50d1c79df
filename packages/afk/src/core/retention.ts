import { z } from 'zod';
import { AfkError } from '../errors/index.js';
import type { AgentResult } from '../events/records.js';
import type { RunEvent, RunEventData, RunEventType } from '../events/run-event.js';
import { newId } from '../internal/ids.js';
import { toJSONValue } from '../internal/json.js';
import { contentText, type LLMClient, type Message } from '../llms/types.js';
import type { MemoryStore, RunRecord } from '../memory/types.js';
import { foldRun, toSnapshot } from './fold.js';
import { buildResult } from './result.js';
import { threadMessages } from './thread-memory.js';

/**
 * How much of a thread's memory (the messages the next run is sent) `compactThread` keeps:
 * the last `keepLastMessages` messages verbatim; tool results older than the last
 * `dropToolResultsOlderThan` messages replaced by a short placeholder (the call stays, so the
 * transcript stays valid for providers); the older messages summarised by `summarize.model` into
 * one message, or dropped when no summariser is given.
 *
 * Defaults: keepLastMessages 20, dropToolResultsOlderThan unset (results kept), no summariser.
 *
 * @example
 * await runner.compactThread({
 *   threadId,
 *   policy: { retention: { keepLastMessages: 10, dropToolResultsOlderThan: 4, summarize: { model: 'openai:gpt-4.1-mini' } } },
 * });
 */
export const RetentionPolicySchema = z
  .object({
    keepLastMessages: z.number().int().nonnegative().default(20),
    dropToolResultsOlderThan: z.number().int().nonnegative().optional(),
    summarize: z
      .object({
        model: z.union([
          z.string().min(1),
          z.custom<LLMClient>(
            (v) => typeof v === 'object' && v !== null && typeof (v as LLMClient).chat === 'function',
            'must be a model string or an LLMClient',
          ),
        ]),
        /** The summariser's instructions (default: a neutral "summarise for continuity" prompt). */
        instructions: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type RetentionPolicy = z.input<typeof RetentionPolicySchema>;

/** What applying a retention policy did (`CompactionResult.retention`). */
export interface RetentionOutcome {
  /** The run now holding the thread's memory (`thread_compacted` is in its log). */
  runId?: string;
  /** Why nothing was compacted (the last run is not finished, nothing to remove, no memory). */
  skipped?: string;
  messagesBefore: number;
  messagesAfter: number;
  messagesRemoved: number;
  toolResultsDropped: number;
}

const DEFAULT_INSTRUCTIONS =
  'Summarise the conversation below for an assistant that will continue it. Keep facts, decisions, ' +
  'names, numbers and open questions; leave out small talk. Reply with the summary only.';

/** The agent name of the runs `compactThread` writes to hold a compacted memory. */
export const COMPACTION_AGENT = '(compaction)';

export const DROPPED_TOOL_RESULT = '[tool result dropped by compaction]';

/**
 * Applies a retention policy to the thread's memory. The compacted memory is written as a new,
 * finished run of the thread (agent `(compaction)`: `run_started` with the memory as history,
 * `thread_compacted`, `run_completed`) and becomes the thread's `lastRunId`, so the next run
 * starts from it. No existing run is changed: every run stays readable and resumable. A thread
 * whose last run is not finished (running, paused) is left alone.
 */
export async function applyRetention(
  store: MemoryStore,
  threadId: string,
  input: RetentionPolicy,
  resolveModel: (m: string | LLMClient) => Promise<LLMClient>,
  isActive: (runId: string) => boolean,
): Promise<RetentionOutcome> {
  const parsed = RetentionPolicySchema.safeParse(input);
  if (!parsed.success)
    throw new AfkError(
      'invalid_config',
      `invalid retention policy: ${parsed.error.issues[0]?.message ?? ''}`,
    );
  const policy = parsed.data;
  const none = (skipped: string, n = 0): RetentionOutcome => ({
    skipped,
    messagesBefore: n,
    messagesAfter: n,
    messagesRemoved: 0,
    toolResultsDropped: 0,
  });
  const thread = await store.getThread(threadId);
  if (!thread?.lastRunId) return none('the thread has no memory yet');
  const last = await store.getRun(thread.lastRunId);
  if (
    !last ||
    isActive(last.runId) ||
    !last.result ||
    last.status === 'interrupted' ||
    last.status === 'running'
  )
    return none(`the thread's last run ${thread.lastRunId} is not finished`);
  const messages = await threadMessages(store, last.runId);
  const cut = windowStart(messages, policy.keepLastMessages);
  const older = messages.slice(0, cut);
  let kept = messages.slice(cut);
  let toolResultsDropped = 0;
  if (policy.dropToolResultsOlderThan !== undefined) {
    const keepFrom = Math.max(0, kept.length - policy.dropToolResultsOlderThan);
    kept = kept.map((m, i) => {
      if (i >= keepFrom || m.role !== 'tool' || m.content === DROPPED_TOOL_RESULT) return m;
      toolResultsDropped++;
      return { ...m, content: DROPPED_TOOL_RESULT };
    });
  }
  if (older.length === 0 && toolResultsDropped === 0) return none('nothing to compact', messages.length);

  let summary: string | undefined;
  let summaryModel: string | undefined;
  if (older.length && policy.summarize) {
    const client = await resolveModel(policy.summarize.model);
    summaryModel = `${client.provider}:${client.model}`;
    const res = await client.chat({
      model: client.model,
      messages: [
        { role: 'system', content: policy.summarize.instructions ?? DEFAULT_INSTRUCTIONS },
        { role: 'user', content: transcript(older) },
      ],
    });
    summary = res.text.trim();
  }
  const memory: Message[] = summary
    ? [{ role: 'user', content: `Summary of the earlier conversation:\n${summary}` }, ...kept]
    : kept;
  const runId = await writeCompactionRun(store, thread, memory, {
    sourceRunId: last.runId,
    messagesBefore: messages.length,
    messagesAfter: memory.length,
    messagesRemoved: older.length,
    toolResultsDropped,
    ...(summaryModel === undefined ? {} : { summaryModel }),
    ...(summary === undefined ? {} : { summary }),
  });
  return {
    runId,
    messagesBefore: messages.length,
    messagesAfter: memory.length,
    messagesRemoved: older.length,
    toolResultsDropped,
  };
}

/** The start of the last `keep` messages, never at an orphaned tool result. */
function windowStart(messages: Message[], keep: number): number {
  if (messages.length <= keep) return 0;
  let start = messages.length - keep;
  while (start > 0 && messages[start]?.role === 'tool') start--;
  return start;
}

function transcript(messages: Message[]): string {
  return messages
    .map((m) => {
      const calls =
        m.role === 'assistant' && m.toolCalls?.length
          ? ` [calls: ${m.toolCalls.map((c) => `${c.name}(${JSON.stringify(c.args)})`).join(', ')}]`
          : '';
      return `${m.role}: ${contentText(m.content)}${calls}`;
    })
    .join('\n');
}

async function writeCompactionRun(
  store: MemoryStore,
  thread: { threadId: string; runIds: string[]; createdAt: number },
  memory: Message[],
  data: RunEventData<'thread_compacted'>,
): Promise<string> {
  const runId = newId('run');
  const ts = Date.now();
  const events: RunEvent[] = [];
  const push = <T extends RunEventType>(type: T, d: RunEventData<T>) =>
    events.push({ runId, threadId: thread.threadId, seq: events.length, ts, type, data: d } as RunEvent);
  push('run_started', {
    agentName: COMPACTION_AGENT,
    agentPath: COMPACTION_AGENT,
    rootRunId: runId,
    model: data.summaryModel ?? '(none)',
    history: memory,
    input: [],
    context: {},
  });
  push('thread_compacted', data);
  const result = toJSONValue(buildResult(foldRun(events), 'completed')) as unknown as AgentResult;
  push('run_completed', { result });
  const state = foldRun(events);
  const record: RunRecord = {
    runId,
    threadId: thread.threadId,
    agentName: COMPACTION_AGENT,
    rootRunId: runId,
    status: 'completed',
    startedAt: ts,
    updatedAt: ts,
    lastSeq: events.length - 1,
    result,
  };
  await store.write({
    events,
    run: record,
    snapshot: toSnapshot(state, { final: true }),
    thread: {
      threadId: thread.threadId,
      lastRunId: runId,
      runIds: [...thread.runIds, runId],
      createdAt: thread.createdAt,
      updatedAt: ts,
    },
  });
  return runId;
}
