import { loadRunState } from '../core/load.js';
import type { AgentStreamHandle } from '../core/runner.js';
import type { AgentStreamEvent } from '../core/stream.js';
import { AfkConfigError, AfkError, formatIssues, fromZodIssues, isAfkError } from '../errors/index.js';
import type { RunEvent } from '../events/run-event.js';
import type { MemoryStore } from '../memory/types.js';
import { diffLogs } from './diff.js';
import { collectRunTree, exportRun, importRun } from './export.js';
import { forkRun } from './fork.js';
import { buildTimeline } from './timeline.js';
import { type LoadTimelineOptions, loadTimeline, type TimelineProgress } from './timeline-loader.js';
import {
  type DebuggerConfig,
  DebuggerConfigSchema,
  type ForkEdit,
  type ResolvedDebuggerConfig,
  type RunDiff,
  type RunExport,
  type RunView,
  type Timeline,
} from './types.js';

/**
 * Reads runs back from a store for people: the span tree of a run, the conversation at any point,
 * portable exports, diffs of two runs, forks that continue from any point. Everything is a pure
 * function of the run-event log, so it gives the same answers in Node, the browser and tests.
 *
 * @example
 * const dbg = new Debugger({ store });
 * const tl = await dbg.timeline(result.runId);      // run → steps → llm / tool / approval spans
 * const view = await dbg.stateAt(result.runId, 4);  // the transcript as the model saw it at seq 4
 * const file = await dbg.export(result.runId);      // redacted, versioned JSON
 */
export class Debugger {
  readonly store: MemoryStore;
  readonly config: ResolvedDebuggerConfig;

  constructor(opts: { store: MemoryStore; config?: DebuggerConfig }) {
    if (!opts || typeof opts.store?.readEvents !== 'function')
      throw new AfkConfigError('invalid_config', 'Debugger needs { store }: a MemoryStore');
    const parsed = DebuggerConfigSchema.safeParse(opts.config ?? {});
    if (!parsed.success) {
      const issues = fromZodIssues(parsed.error.issues);
      throw new AfkConfigError('invalid_config', `Invalid DebuggerConfig:\n${formatIssues(issues)}`, {
        issues,
      });
    }
    this.store = opts.store;
    this.config = parsed.data;
  }

  /** The run as a span tree, its subagent runs nested under their `subagent` spans. */
  async timeline(runId: string): Promise<Timeline> {
    try {
      return await this.timelineOf(runId, 'structural');
    } catch (e) {
      // The fold tripped on a row the display read let through: read it again, fully validated,
      // so a bad row is `row_corrupt` naming its key.
      if (isAfkError(e)) throw e;
      return this.timelineOf(runId, 'full');
    }
  }

  /**
   * The timeline, read and folded progressively for a view that renders while it loads: partial
   * timelines (`timeline.loading` set) after the first chunk and every chunk after it, then the
   * complete one (`done`). No task holds the page for more than a slice. See `loadTimeline`.
   *
   * @example
   * for await (const p of dbg.loadTimeline(runId)) show(p.timeline); // the last one is complete
   */
  loadTimeline(runId: string, opts?: LoadTimelineOptions): AsyncGenerator<TimelineProgress, void, undefined> {
    return loadTimeline(this.store, runId, this.config, opts);
  }

  private async timelineOf(runId: string, validate: 'full' | 'structural'): Promise<Timeline> {
    const tree = await collectRunTree(this.store, runId, { validate });
    if (!tree.length) throw new AfkError('not_found', `no run ${runId} in the store`);
    const logs = new Map<string, readonly RunEvent[]>();
    for (const { events } of tree) {
      const first = events[0];
      if (first) logs.set(first.runId, events);
    }
    return buildTimeline(runId, logs, this.config);
  }

  /** The fold of the log up to `seq`: the messages as the model saw them, counters and usage. */
  async stateAt(runId: string, seq: number): Promise<RunView> {
    const s = await loadRunState(this.store, runId, seq);
    if (!s) throw new AfkError('not_found', `no run ${runId} in the store`);
    return {
      runId,
      seq: s.lastSeq,
      step: s.step,
      messages: s.messages,
      usage: { ...s.usage },
      counters: { step: s.step, llmCalls: s.llmCalls, toolCalls: s.toolCalls },
      pendingToolCalls: s.pendingToolCalls,
    };
  }

  /** The run with its child runs, approvals and tickets: versioned, validated, redacted. */
  export(runId: string): Promise<RunExport> {
    return exportRun(this.store, runId, this.config);
  }

  /** Imports an export (validated; every issue listed); idempotent. Returns the root run's id. */
  import(data: unknown): Promise<string> {
    return Promise.resolve().then(() => importRun(this.store, data));
  }

  /** Two runs aligned step by step, with what changed and the token/cost/duration deltas. */
  async diff(runIdA: string, runIdB: string): Promise<RunDiff> {
    const [a, b] = await Promise.all([this.store.readEvents(runIdA), this.store.readEvents(runIdB)]);
    if (!a.length) throw new AfkError('not_found', `no run ${runIdA} in the store`);
    if (!b.length) throw new AfkError('not_found', `no run ${runIdB} in the store`);
    return diffLogs(a, b);
  }

  /** A new run on a new thread continuing from `atSeq` (optionally edited); resume it to go on. */
  fork(runId: string, opts: { atSeq: number; edit?: ForkEdit }): Promise<string> {
    return forkRun(this.store, runId, opts);
  }

  /**
   * Forwards every stream event of a handle to `sink`, live, without slowing the run (its own
   * bounded subscription). Returns a function that stops forwarding.
   */
  attach(handle: Pick<AgentStreamHandle, 'subscribe'>, sink: (event: AgentStreamEvent) => void): () => void {
    if (!this.config.enabled) return () => undefined;
    const it = handle.subscribe();
    let stopped = false;
    void (async () => {
      for (;;) {
        const next = await it.next();
        if (next.done || stopped) return;
        try {
          sink(next.value);
        } catch {
          // A sink's failure must not disturb the run it watches.
        }
      }
    })();
    return () => {
      stopped = true;
      void it.return?.();
    };
  }
}
