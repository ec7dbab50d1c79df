import { z } from 'zod';
import type { Agent } from '../agents/agent.js';
import type { Runner } from '../core/runner.js';
import { AfkConfigError, type AfkIssue, formatIssues, fromZodIssues } from '../errors/index.js';
import type { LLMClient, LLMResolver } from '../llms/types.js';
import type { MemoryStore } from '../memory/types.js';
import type { Assertion } from './models/assertion.js';
import type { AssertionSpec } from './models/assertion-spec.js';
import { AssertionSpecSchema } from './models/assertion-spec.js';
import { type EvalBudget, EvalBudgetSchema, type EvalCase, EvalCaseSchema } from './models/case.js';
import type { JudgeCache } from './models/judge-cache.js';
import type { CaseStatus, ReporterName, SuiteReport } from './models/report.js';

/** What `onProgress` reports after each case (all its trials) is done. */
export interface SuiteProgress {
  done: number;
  total: number;
  passed: number;
  failed: number;
  errored: number;
  skipped: number;
  /** The case just finished, and how it ended. */
  caseId: string;
  status: CaseStatus;
}

/** The agent of a suite: one for every case, or a function choosing it per case. */
export type SuiteAgent = Agent | ((evalCase: EvalCase) => Agent | Promise<Agent>);

/**
 * Options of `runSuite`. Defaults: a new `Runner` (in-memory store), `concurrency` 4, `repeat` 1,
 * `minPassRate` 1 (every case must pass), no budget, no reporters, the report persisted to
 * `store` (default the runner's; `false` for none), judge verdicts in the process-wide memory
 * cache.
 *
 * @example
 * const report = await runSuite({ cases, agent, concurrency: 8, repeat: 3, reporters: ['junit'] });
 */
export interface RunSuiteOptions {
  cases: EvalCase[];
  agent: SuiteAgent;
  runner?: Runner;
  /** Shown in reports (default 'suite'). */
  name?: string;
  /** Groups a suite's reports over time in the store (default: from `name`, else a hash of the case ids). */
  suiteId?: string;
  concurrency?: number;
  /** Stop starting cases after the first that does not pass; the rest are `skipped`. */
  failFast?: boolean;
  /** Trials per case (a case's own `repeat` wins). */
  repeat?: number;
  /** Checked on every case, after the case's own assertions. */
  assertions?: Array<Assertion | AssertionSpec>;
  /** A previous `SuiteReport` (object or parsed JSON) to compare with. */
  baseline?: SuiteReport | unknown;
  /** A regressed case fails the suite even when the pass rate is met. */
  failOnRegression?: boolean;
  /** Share of (non-skipped) cases that must pass for the suite to pass (default 1). */
  minPassRate?: number;
  /** Limits on the whole suite: wall time, and totals over every trial (judges included). */
  budget?: EvalBudget;
  reporters?: ReporterName[];
  onProgress?: (progress: SuiteProgress) => void;
  /** Where the report is kept (default: the runner's store); `false` keeps it nowhere. */
  store?: MemoryStore | false;
  /** Where `llmJudge` verdicts are cached (default: process-wide memory). */
  judgeCache?: JudgeCache;
  /** Resolves judge model strings (default: the built-in providers, like an agent's model). */
  llms?: LLMResolver | Record<string, LLMClient>;
  signal?: AbortSignal;
}

const fn = z.custom<(...a: never[]) => unknown>((v) => typeof v === 'function', {
  message: 'expected a function',
});
const AgentLike = z.custom<SuiteAgent>(
  (v) =>
    typeof v === 'function' ||
    (typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'agent'),
  { message: 'expected an Agent or a function (case) => Agent' },
);
const AssertionLike = z.union([
  z.custom<Assertion>(
    (v) => typeof v === 'object' && v !== null && typeof (v as Assertion).evaluate === 'function',
    { message: 'expected an assertion object or spec' },
  ),
  AssertionSpecSchema,
]);

/**
 * Validates `runSuite` options (cases included, each against `EvalCaseSchema`); `runSuite`
 * reports every issue at once in one `AfkConfigError`.
 *
 * @example
 * RunSuiteOptionsSchema.safeParse({ cases: [], agent })
 */
export const RunSuiteOptionsSchema = z
  .object({
    cases: z.array(EvalCaseSchema),
    agent: AgentLike,
    runner: z
      .custom<Runner>((v) => typeof (v as Runner | null)?.run === 'function', {
        message: 'expected a Runner',
      })
      .optional(),
    name: z.string().min(1).optional(),
    suiteId: z.string().min(1).optional(),
    concurrency: z.number().int().positive().optional(),
    failFast: z.boolean().optional(),
    repeat: z.number().int().positive().optional(),
    assertions: z.array(AssertionLike).optional(),
    baseline: z.unknown().optional(),
    failOnRegression: z.boolean().optional(),
    minPassRate: z.number().min(0).max(1).optional(),
    budget: EvalBudgetSchema.optional(),
    reporters: z.array(z.enum(['json', 'junit', 'markdown', 'html'])).optional(),
    onProgress: fn.optional(),
    store: z
      .union([
        z.literal(false),
        z.custom<MemoryStore>((v) => typeof (v as MemoryStore | null)?.putEvalReport === 'function'),
      ])
      .optional(),
    judgeCache: z
      .custom<JudgeCache>((v) => typeof (v as JudgeCache | null)?.get === 'function', {
        message: 'expected a JudgeCache',
      })
      .optional(),
    llms: z.union([fn, z.record(z.string(), z.unknown())]).optional(),
    signal: z
      .custom<AbortSignal>((v) => typeof AbortSignal !== 'undefined' && v instanceof AbortSignal)
      .optional(),
  })
  .strict();

/** The options' own fields; the cases are checked one by one (see `isPlainCase`). */
const OptionsWithoutCases = RunSuiteOptionsSchema.extend({ cases: z.array(z.unknown()) });

const isAssertionObject = (v: unknown): boolean =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as Assertion).name === 'string' &&
  typeof (v as Assertion).evaluate === 'function';

/**
 * True for a case built in code in the common shape — `id`, a string `input`, and only
 * assertion objects, string `tags` and a positive integer `repeat` besides — which
 * `EvalCaseSchema` accepts (a strict subset of it). Such a case skips the zod parse, which for a
 * 1,000-case suite allocated ~2 KB a case for an output that is thrown away; anything else (a
 * spec, messages, context, budget, …) gets the full parse and its issues.
 */
export function isPlainCase(c: unknown): boolean {
  if (typeof c !== 'object' || c === null || Array.isArray(c)) return false;
  const o = c as Record<string, unknown>;
  if (typeof o.id !== 'string' || o.id.length === 0 || typeof o.input !== 'string') return false;
  for (const key of Object.keys(o)) {
    const v = o[key];
    switch (key) {
      case 'id':
      case 'input':
        break;
      case 'repeat':
        if (!Number.isSafeInteger(v) || (v as number) <= 0) return false;
        break;
      case 'tags':
      case 'assertions': {
        if (!Array.isArray(v)) return false;
        const ok = key === 'tags' ? (x: unknown) => typeof x === 'string' : isAssertionObject;
        for (let i = 0; i < v.length; i++) if (!ok(v[i])) return false;
        break;
      }
      default:
        return false;
    }
  }
  return true;
}

/** Parses the options or throws one `AfkConfigError` with every issue (duplicate case ids included). */
export function parseSuiteOptions(options: RunSuiteOptions): RunSuiteOptions {
  const issues: AfkIssue[] = [];
  const cases: unknown = (options as { cases?: unknown } | null)?.cases;
  if (Array.isArray(cases)) {
    for (let i = 0; i < cases.length; i++) {
      if (isPlainCase(cases[i])) continue;
      const r = EvalCaseSchema.safeParse(cases[i]);
      if (!r.success)
        issues.push(...fromZodIssues(r.error.issues.map((x) => ({ ...x, path: ['cases', i, ...x.path] }))));
    }
  }
  const parsed = OptionsWithoutCases.safeParse(options);
  if (!parsed.success) issues.push(...fromZodIssues(parsed.error.issues));
  const seen = new Set<string>();
  for (const [i, c] of (Array.isArray(options?.cases) ? options.cases : []).entries()) {
    const id = (c as { id?: unknown } | null)?.id;
    if (typeof id !== 'string') continue;
    if (seen.has(id)) issues.push({ path: ['cases', i, 'id'], message: `duplicate case id '${id}'` });
    seen.add(id);
  }
  if (issues.length) {
    throw new AfkConfigError(
      'invalid_config',
      `Invalid runSuite options (${issues.length} issue${issues.length > 1 ? 's' : ''}):\n${formatIssues(issues)}`,
      { issues },
    );
  }
  return options;
}
