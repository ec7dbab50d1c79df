import { type AssertionSpec, caseFromRun, type EvalCase } from 'afk/evals/models';
import type { MemoryStore } from 'afk/memory';

/** Which assertions a case saved from a run checks (all on by default). */
export interface CaseChecks {
  /** The run ends `completed` (off for a run that did not: it then expects the run's own end state). */
  completed: boolean;
  /** The same tools in the same order, nothing else (`toolSequence`, `exact`). */
  toolSequence: boolean;
  /** The final text contains the recorded one (`finalTextContains`). */
  finalText: boolean;
}

export const ALL_CHECKS: CaseChecks = { completed: true, toolSequence: true, finalText: true };

/** The tag a saved case names its agent with: the devtools run it with that example agent. */
export const AGENT_TAG = 'agent:';

/** A file- and id-safe slug: `Tool-using assistant` → `tool-using-assistant`. */
export function slug(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'case'
  );
}

/** The default id of a case saved from a run: `<agent>-<last 6 of the run id>`. */
export function defaultCaseId(agentName: string, runId: string): string {
  return `${slug(agentName)}-${slug(runId.slice(-6))}`;
}

/**
 * A regression case from a stored run (`caseFromRun`: its input, context and the cassette of its
 * own model responses, so it replays offline), with the chosen checks as JSON assertion specs:
 * `completed`, the exact tool sequence, and that the final text contains the recorded one. Tagged
 * `saved` and `agent:<name>` (which example agent runs it).
 *
 * @example
 * const c = await caseDraft(store, runId, { id: 'adds-two-numbers' });
 */
export async function caseDraft(
  store: MemoryStore,
  runId: string,
  opts: { id?: string; checks?: CaseChecks } = {},
): Promise<EvalCase> {
  const run = await store.getRun(runId);
  if (!run) throw new Error(`no run ${runId} in this store`);
  const checks = opts.checks ?? ALL_CHECKS;
  const base = await caseFromRun(runId, {
    store,
    id: opts.id?.trim() || defaultCaseId(run.agentName, runId),
    tags: ['saved', `${AGENT_TAG}${run.agentName}`],
  });
  const expected = (base.expected ?? {}) as { finalText?: string; toolSequence?: string[]; state?: string };
  const assertions: AssertionSpec[] = [];
  const completedRun = expected.state === 'completed';
  if (checks.completed && completedRun) assertions.push({ type: 'completed' });
  if (checks.toolSequence)
    assertions.push({ type: 'toolSequence', names: expected.toolSequence ?? [], mode: 'exact' });
  if (checks.finalText && expected.finalText)
    assertions.push({ type: 'finalTextContains', text: expected.finalText });
  const { expectedStates, ...rest } = base;
  return {
    ...rest,
    assertions,
    // A run that did not complete is a case that it still ends the same way.
    ...(completedRun ? {} : expectedStates ? { expectedStates } : {}),
  };
}

/** The agent a saved case names (its `agent:` tag), if any. */
export function caseAgentName(c: Pick<EvalCase, 'tags'>): string | undefined {
  const tag = c.tags?.find((t) => t.startsWith(AGENT_TAG));
  return tag?.slice(AGENT_TAG.length);
}

/** A cases file `afk eval` / `loadCases` / `parseCases` read: `{ "cases": [ … ] }`, pretty JSON. */
export function casesFileText(cases: readonly EvalCase[]): string {
  return `${JSON.stringify({ cases }, null, 2)}\n`;
}

/** The file name of a saved case: `<case id>.cases.json`. */
export function caseFileName(c: Pick<EvalCase, 'id'>): string {
  return `${slug(c.id)}.cases.json`;
}
