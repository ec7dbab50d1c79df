import { Debugger, parseRunExport, type RunExport } from '../../debugger/index.js';
import { AfkConfigError, AfkError } from '../../errors/index.js';
import type { RunEvent } from '../../events/run-event.js';
import type { JSONValue } from '../../internal/json.js';
import { type ScriptedClient, type ScriptedTurn, scripted } from '../../llms/providers/scripted.js';
import type { LLMResponse, Message } from '../../llms/types.js';
import type { MemoryStore } from '../../memory/types.js';
import type { AssertionSpec } from './assertion-spec.js';
import type { EvalCase, EvalReplay } from './case.js';

/** Options of `caseFromRun`. */
export interface CaseFromRunOptions {
  /** Where a run id is looked up (required when passing an id). */
  store?: MemoryStore;
  /** The case id (default `run-<runId>`). */
  id?: string;
  tags?: string[];
}

/**
 * Turns a recorded run into a deterministic regression case: its user input and context, and
 * `replay`, a cassette of the run's own LLM responses in order. `runSuite` runs a case with
 * `replay` against a replaying model instead of the agent's own (the agent's tools, policies
 * and limits still apply), so the case replays offline: the same tool trajectory and final text,
 * no model call. The case asserts exactly that (`toolSequence` exact, `finalTextEquals`) and the
 * run's end state; `expected` holds `{ finalText, toolSequence, state }`. The case is plain JSON:
 * save it in a cases file. Give an export (`dbg.export(runId)`, a file's JSON) or a run id with
 * `{ store }`. Only the root run's responses are replayed (a subagent keeps its own model).
 *
 * @example
 * const c = await caseFromRun(runId, { store: runner.store });
 * const report = await runSuite({ cases: [c], agent }); // no model call
 */
export async function caseFromRun(
  exportOrRunId: RunExport | string | unknown,
  opts: CaseFromRunOptions = {},
): Promise<EvalCase> {
  let data: RunExport;
  if (typeof exportOrRunId === 'string') {
    if (!opts.store) {
      throw new AfkConfigError(
        'invalid_argument',
        'caseFromRun(runId) needs { store } to read the run from',
        {
          issues: [{ path: ['store'], message: 'required with a run id' }],
        },
      );
    }
    data = await new Debugger({ store: opts.store }).export(exportOrRunId);
  } else {
    data = parseRunExport(exportOrRunId);
  }
  const root = data.runs.find((r) => r.run.runId === data.rootRunId);
  if (!root) throw new AfkError('not_found', `the export has no root run ${data.rootRunId}`);
  const events = root.events;
  const started = events.find((e): e is RunEvent<'run_started'> => e.type === 'run_started');
  if (!started) throw new AfkError('invalid_argument', `run ${data.rootRunId} has no run_started event`);
  const userMessages = started.data.input.filter((m) => m.role === 'user');
  if (!userMessages.length) throw new AfkError('invalid_argument', `run ${data.rootRunId} has no user input`);
  const responses: LLMResponse[] = [];
  const toolSequence: string[] = [];
  for (const e of events) {
    if (e.type === 'llm_completed') {
      const d = (e as RunEvent<'llm_completed'>).data;
      responses.push({ ...(d.response as LLMResponse), costUsd: d.costUsd });
    } else if (e.type === 'tool_started') toolSequence.push((e as RunEvent<'tool_started'>).data.toolName);
  }
  const result = root.run.result;
  if (!result)
    throw new AfkError('invalid_argument', `run ${data.rootRunId} has not ended (${root.run.status})`);
  const only = userMessages.length === 1 ? userMessages[0] : undefined;
  const input: string | Message[] =
    only && typeof only.content === 'string' ? only.content : (userMessages as Message[]);
  const model = started.data.model;
  const replay: EvalReplay = { sourceRunId: data.rootRunId, model, responses };
  const assertions: AssertionSpec[] = [
    { type: 'toolSequence', names: toolSequence, mode: 'exact' },
    { type: 'finalTextEquals', text: result.finalText },
  ];
  const expected: { [key: string]: JSONValue } = {
    finalText: result.finalText,
    toolSequence,
    state: result.state,
  };
  return {
    id: opts.id ?? `run-${data.rootRunId}`,
    input,
    ...(Object.keys(started.data.context).length ? { context: started.data.context } : {}),
    expected,
    assertions,
    expectedStates: [result.state],
    ...(opts.tags ? { tags: opts.tags } : {}),
    replay,
  };
}

/**
 * The client a case's `replay` runs on: answers the recorded responses in order (tool call ids
 * kept), then fails (`script exhausted`) if the run asks for more than were recorded.
 *
 * @example
 * const model = replayModel(evalCase.replay);
 */
export function replayModel(replay: EvalReplay): ScriptedClient {
  const turns: ScriptedTurn[] = replay.responses.map((r) => ({
    text: r.text,
    toolCalls: r.toolCalls.map((c) => ({ id: c.id, name: c.name, args: c.args })),
    usage: r.usage,
    finishReason: r.finishReason,
    ...(r.costUsd === undefined ? {} : { costUsd: r.costUsd }),
    ...(r.structured === undefined ? {} : { structured: r.structured }),
    ...(r.reasoning === undefined ? {} : { reasoning: r.reasoning }),
  }));
  const slash = replay.model.indexOf(':');
  return scripted(turns, {
    model: slash >= 0 ? replay.model.slice(slash + 1) : replay.model,
    keepRequests: false,
  });
}
