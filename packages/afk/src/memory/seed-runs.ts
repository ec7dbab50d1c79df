import type { AgentResult, RunStatus } from '../events/records.js';
import type { DexieStore } from './dexie-store.js';
import type { RunRecord } from './types.js';

/** Options of {@link seedRuns}. */
export interface SeedRunsOptions {
  /** Start of the synthetic history (ms epoch); runs are spaced `spacingMs` apart, newest last. Default: now − n × spacing. */
  from?: number;
  /** Default `1000` ms. */
  spacingMs?: number;
  /** How many runs share a thread. Default `3`. */
  runsPerThread?: number;
  /** Every `forkEvery`-th run is a fork (`forkedFrom`) of the run before it. Default `97`; `0` for none. */
  forkEvery?: number;
  /** Rows written that fail validation (a wrong `status`), among the newest runs, to show how listings survive them. Default `0`. */
  corrupt?: number;
  /** Prefix of the generated ids. Default `'seed'`. */
  prefix?: string;
}

const AGENTS = ['calculator', 'mailer', 'researcher', 'planner', 'support-bot', 'summariser'];
const PROMPTS = [
  'Add 2 and 3',
  'Email the result to Ada',
  'Find papers on retrieval-augmented generation',
  'Plan a trip to Lisbon in May',
  'Why was my card declined?',
  'Summarise this quarter’s incident reports',
  'What is the capital of Australia?',
  'Book a table for four at 8pm',
];
const ERRORS = [
  { code: 'llm_error', message: 'provider returned 429: rate limit exceeded, retry after 20 s' },
  { code: 'tool_error', message: 'search_papers failed: upstream timeout after 30 s' },
  { code: 'max_steps', message: 'the run hit maxSteps (8) before a final answer' },
];

/** A status mix like a busy app's: mostly completed, some failed, a few live or paused. */
function statusOf(i: number): RunStatus {
  const r = i % 20;
  if (r < 13) return 'completed';
  if (r < 16) return 'failed';
  if (r === 16) return 'interrupted';
  if (r === 17) return 'cancelled';
  if (r === 18) return 'degraded';
  return 'completed';
}

/**
 * Writes `n` synthetic run records into a `DexieStore` in one bulk transaction (10,000 runs in
 * well under a second): varied agents, statuses, first messages, usage, threads, forks, failed
 * runs with errors and, on request, corrupt rows. For listings, tests and benchmarks only: the
 * records have no events, so opening one shows an empty log. Returns the ids written, oldest first.
 *
 * @example
 * const ids = await seedRuns(store, 10_000, { corrupt: 1 });
 */
export async function seedRuns(store: DexieStore, n: number, opts: SeedRunsOptions = {}): Promise<string[]> {
  const spacing = opts.spacingMs ?? 1000;
  const from = opts.from ?? Date.now() - n * spacing;
  const perThread = Math.max(1, opts.runsPerThread ?? 3);
  const forkEvery = opts.forkEvery ?? 97;
  const prefix = opts.prefix ?? 'seed';
  const rows: unknown[] = [];
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const runId = `${prefix}_run_${String(i).padStart(6, '0')}`;
    const threadId = `${prefix}_thread_${String(Math.floor(i / perThread)).padStart(6, '0')}`;
    const status = statusOf(i);
    const startedAt = from + i * spacing;
    const steps = 1 + (i % 5);
    const inputTokens = 120 + ((i * 37) % 900);
    const outputTokens = 20 + ((i * 13) % 300);
    const usage = {
      inputTokens,
      outputTokens,
      totalTokens: inputTokens + outputTokens,
      costUsd: (inputTokens * 0.4 + outputTokens * 1.6) / 1_000_000,
    };
    const durationMs = 200 + ((i * 7919) % 6000);
    const terminal = status !== 'running' && status !== 'paused';
    const error = status === 'failed' ? ERRORS[i % ERRORS.length] : undefined;
    const result: AgentResult | undefined = terminal
      ? {
          finalText: status === 'completed' ? 'Done.' : '',
          state: status as AgentResult['state'],
          runId,
          threadId,
          toolExecutions: [],
          subagentExecutions: [],
          usage,
          stateSnapshot: {},
          ...(error ? { error } : {}),
        }
      : undefined;
    const fork = forkEvery > 0 && i > 0 && i % forkEvery === 0;
    const rec: RunRecord = {
      runId,
      threadId: fork ? `${threadId}_fork` : threadId,
      agentName: AGENTS[i % AGENTS.length]!,
      rootRunId: runId,
      status,
      startedAt,
      updatedAt: terminal ? startedAt + durationMs : startedAt,
      lastSeq: steps * 4,
      ...(result ? { result } : {}),
      ...(fork ? { forkedFrom: { runId: ids[i - 1]!, seq: 3 } } : {}),
      summary: { input: PROMPTS[i % PROMPTS.length]!, steps, usage },
    };
    rows.push(rec);
    ids.push(runId);
  }
  for (let c = 0; c < (opts.corrupt ?? 0); c++) {
    const runId = `${prefix}_corrupt_${c}`;
    rows.push({
      runId,
      threadId: `${prefix}_thread_corrupt`,
      agentName: 'broken',
      rootRunId: runId,
      status: 'exploded',
      // Among the newest runs (between runs 3c+2 and 3c+3 from the top), where a listing shows it.
      startedAt: from + (n - 2 - 3 * c) * spacing - Math.floor(spacing / 2),
      updatedAt: from,
      lastSeq: 'not a number',
    });
  }
  const db = store.dexie;
  await db.transaction('rw', db.runs, () => db.runs.bulkPut(rows as RunRecord[]));
  return ids;
}
