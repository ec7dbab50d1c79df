import { z } from 'zod';
import type { Agent } from '../agents/agent.js';
import type { Runner } from '../core/runner.js';
import { Debugger, type RunExport } from '../debugger/index.js';
import { AfkConfigError, AfkError, formatIssues, fromZodIssues } from '../errors/index.js';
import type { AgentResult, ApprovalDecision, RunStatus } from '../events/records.js';
import { ApprovalDecisionSchema, RunStatusSchema } from '../events/records.js';
import type { RunEvent } from '../events/run-event.js';
import type { MemoryStore, RunRecord } from '../memory/types.js';
import type { EvalCase } from './models/case.js';
import type { ReporterName, SuiteReport } from './models/report.js';
import { runSuite } from './suite.js';

/** Version of the `window.__afk` surface; bumped on any incompatible change. */
export const AFK_PAGE_VERSION = 1;
/** The global the page handle is put on. */
export const AFK_PAGE_GLOBAL = '__afk';

/** What `waitForRun` waits for: the newest root run matching every given field. */
export interface WaitForRunFilter {
  /** Run states (a result's state, else the record's status); default: any ended state. */
  state?: RunStatus | RunStatus[];
  agentName?: string;
  threadId?: string;
  runId?: string;
  /** Only runs started at or after this time (ms since epoch), e.g. when the test step began. */
  after?: number;
  /** Default 30 000. */
  timeoutMs?: number;
}

/** A run as `waitForRun` returns it: JSON only. */
export interface PageRun {
  runId: string;
  threadId: string;
  agentName: string;
  status: RunStatus;
  result?: AgentResult;
  events: RunEvent[];
}

/** What `evaluate` takes: JSON cases and the name of an agent in `exposeAfk`'s `agents`. */
export interface PageEvaluateOptions {
  cases: EvalCase[];
  agent: string;
  name?: string;
  repeat?: number;
  concurrency?: number;
  failFast?: boolean;
  minPassRate?: number;
  reporters?: ReporterName[];
}

/**
 * The object `exposeAfk` puts on `window.__afk`, for a Playwright fixture to call through
 * `page.evaluate`. Every argument and result is JSON. `version` is `AFK_PAGE_VERSION`.
 */
export interface AfkPageHandle {
  readonly version: typeof AFK_PAGE_VERSION;
  /** Agent names `evaluate` accepts. */
  readonly agents: string[];
  /** Resolves with the newest root run matching the filter, waiting (live) until one exists. */
  waitForRun(filter?: WaitForRunFilter): Promise<PageRun>;
  /**
   * Decides an approval (`'next'`: the oldest pending one) and resumes its paused run in the
   * page when the run's agent is among `agents` (the resumed run is not awaited).
   */
  decide(
    approvalId: string,
    decision: ApprovalDecision,
  ): Promise<{ approvalId: string; runId: string; resumed: boolean }>;
  /** Runs `runSuite` in the page on the named agent and returns the report. */
  evaluate(options: PageEvaluateOptions): Promise<SuiteReport>;
  /** The run's export (`afk/debugger` `RunExport`): attach it to a failing test. */
  export(runId: string): Promise<RunExport>;
  /** Root runs, newest first. */
  runs(limit?: number): Promise<RunRecord[]>;
}

/** Options of `exposeAfk`. */
export interface ExposeAfkOptions {
  runner: Runner;
  /** Default: the runner's store. */
  store?: MemoryStore;
  /** The page's agents by name (for `evaluate` and for resuming after `decide`). */
  agents?: Record<string, Agent>;
  /** Where to put the handle (default `globalThis`, i.e. `window`). */
  target?: object;
  /**
   * How the page continues a paused run after `decide` (default: `runner.resume` with the run's
   * agent from `agents`). An app that hosts its runs itself (streams them into its UI, holds a
   * tab lease) passes its own, so a decision from a test resumes the run the way a click would.
   *
   * @example
   * exposeAfk({ runner, agents, resume: ({ runId, threadId }) => continueHere(runId, threadId) });
   */
  resume?: (run: { runId: string; threadId: string; agentName: string }) => unknown;
}

const ENDED: RunStatus[] = ['completed', 'failed', 'degraded', 'cancelled', 'interrupted'];

const FilterSchema = z
  .object({
    state: z.union([RunStatusSchema, z.array(RunStatusSchema)]).optional(),
    agentName: z.string().optional(),
    threadId: z.string().optional(),
    runId: z.string().optional(),
    after: z.number().optional(),
    timeoutMs: z.number().positive().optional(),
  })
  .strict();

const EvaluateSchema = z
  .object({
    cases: z.array(z.unknown()),
    agent: z.string().min(1),
    name: z.string().optional(),
    repeat: z.number().int().positive().optional(),
    concurrency: z.number().int().positive().optional(),
    failFast: z.boolean().optional(),
    minPassRate: z.number().min(0).max(1).optional(),
    reporters: z.array(z.enum(['json', 'junit', 'markdown', 'html'])).optional(),
  })
  .strict();

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = fromZodIssues(r.error.issues);
  throw new AfkConfigError(
    'invalid_argument',
    `window.__afk.${what}: invalid arguments:\n${formatIssues(issues)}`,
    { issues },
  );
}

const stateOf = (r: RunRecord): RunStatus => r.result?.state ?? r.status;

/**
 * Opens the page to end-to-end evals: puts a small, versioned, JSON-only handle on
 * `window.__afk` (`waitForRun`, `decide`, `evaluate`, `export`, `runs`) that `@afk/playwright`'s
 * `afk` fixture calls through `page.evaluate`. Call it once where the app creates its runner
 * (only in test builds if you prefer). Returns the handle and a function that removes it.
 *
 * @example
 * // app code
 * exposeAfk({ runner, agents: { travel: travelAgent } });
 * // Playwright test
 * const run = await page.evaluate(() => window.__afk.waitForRun({ state: 'completed' }));
 */
export function exposeAfk(options: ExposeAfkOptions): { handle: AfkPageHandle; remove: () => void } {
  if (!options || typeof options.runner?.run !== 'function') {
    throw new AfkConfigError('invalid_config', 'exposeAfk needs { runner }', {
      issues: [{ path: ['runner'], message: 'required' }],
    });
  }
  const runner = options.runner;
  const store = options.store ?? runner.store;
  const agents = options.agents ?? {};
  const dbg = new Debugger({ store });

  const find = async (f: WaitForRunFilter): Promise<RunRecord | undefined> => {
    const states = f.state === undefined ? ENDED : Array.isArray(f.state) ? f.state : [f.state];
    if (f.runId !== undefined) {
      const r = await store.getRun(f.runId);
      return r && states.includes(stateOf(r)) ? r : undefined;
    }
    const runs = await store.listRuns(f.threadId === undefined ? {} : { threadId: f.threadId });
    return runs.find(
      (r) =>
        r.parentRunId === undefined &&
        states.includes(stateOf(r)) &&
        (f.agentName === undefined || r.agentName === f.agentName) &&
        (f.after === undefined || r.startedAt >= f.after),
    );
  };

  const handle: AfkPageHandle = {
    version: AFK_PAGE_VERSION,
    agents: Object.keys(agents),
    async waitForRun(filter = {}) {
      const f = parse(FilterSchema, filter, 'waitForRun') as WaitForRunFilter;
      const timeoutMs = f.timeoutMs ?? 30_000;
      const record = await new Promise<RunRecord>((resolve, reject) => {
        let settled = false;
        let checking = false;
        let again = false;
        const done = (fn: () => void) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          unwatch();
          fn();
        };
        // One look at a time; a change during a look asks for another.
        const check = async () => {
          if (checking) {
            again = true;
            return;
          }
          checking = true;
          try {
            do {
              again = false;
              const r = await find(f);
              if (r) return done(() => resolve(r));
            } while (again && !settled);
          } catch (e) {
            done(() => reject(e));
          } finally {
            checking = false;
          }
        };
        const unwatch = store.watch('all', () => void check());
        const timer = setTimeout(
          () =>
            done(() =>
              reject(
                new AfkError(
                  'timeout',
                  `window.__afk.waitForRun: no run matching ${JSON.stringify(f)} within ${timeoutMs} ms`,
                ),
              ),
            ),
          timeoutMs,
        );
        void check();
      });
      return {
        runId: record.runId,
        threadId: record.threadId,
        agentName: record.agentName,
        status: stateOf(record),
        ...(record.result ? { result: record.result } : {}),
        events: await store.readEvents(record.runId),
      };
    },
    async decide(approvalId, decision) {
      const id = parse(z.string().min(1), approvalId, 'decide');
      const d = parse(ApprovalDecisionSchema, decision, 'decide') as ApprovalDecision;
      let approval = id === 'next' ? undefined : await store.getApproval(id);
      if (id === 'next') {
        const pending = await store.listApprovals({ status: 'pending' });
        approval = pending.sort((a, b) => a.createdAt - b.createdAt)[0];
        if (!approval) throw new AfkError('approval_not_found', 'window.__afk.decide: no pending approval');
      }
      if (!approval) throw new AfkError('approval_not_found', `window.__afk.decide: no approval ${id}`);
      await runner.decideApproval({ approvalId: approval.id, decision: d });
      const root = await store.getRun(approval.rootRunId);
      const agent = root ? agents[root.agentName] : undefined;
      const resumed =
        root !== undefined &&
        (options.resume !== undefined || agent !== undefined) &&
        (root.status === 'paused' || root.status === 'interrupted');
      if (resumed) {
        const ids = { runId: root.runId, threadId: root.threadId };
        const going = options.resume
          ? Promise.resolve().then(() => options.resume?.({ ...ids, agentName: root.agentName }))
          : agent
            ? runner.resume(agent, ids)
            : undefined;
        void going?.catch(() => undefined);
      }
      return { approvalId: approval.id, runId: approval.rootRunId, resumed };
    },
    async evaluate(opts) {
      const o = parse(EvaluateSchema, opts, 'evaluate');
      const agent = agents[o.agent];
      if (!agent) {
        throw new AfkConfigError(
          'invalid_argument',
          `window.__afk.evaluate: no agent '${o.agent}' (exposed: ${Object.keys(agents).join(', ') || 'none'})`,
          {
            issues: [{ path: ['agent'], message: `unknown agent '${o.agent}'` }],
          },
        );
      }
      const { agent: _name, cases, ...rest } = o;
      return runSuite({ ...rest, cases: cases as EvalCase[], agent, runner, store } as Parameters<
        typeof runSuite
      >[0]);
    },
    export(runId) {
      return dbg.export(parse(z.string().min(1), runId, 'export'));
    },
    async runs(limit = 50) {
      return (await store.listRuns({ limit })).filter((r) => r.parentRunId === undefined);
    },
  };
  const target = (options.target ?? globalThis) as Record<string, unknown>;
  target[AFK_PAGE_GLOBAL] = handle;
  return {
    handle,
    remove: () => {
      if (target[AFK_PAGE_GLOBAL] === handle) delete target[AFK_PAGE_GLOBAL];
    },
  };
}
