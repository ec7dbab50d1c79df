import type { ForkEdit, Span, Timeline } from 'afk/debugger';

/** A tool call a fork may answer differently, with the result it had. */
export interface ForkableCall {
  toolCallId: string;
  name: string;
  /** The result the call returned in the original run ('' when it had none yet). */
  content: string;
}

/** Where a fork from a span starts, and what it may edit there. */
export interface ForkPlan {
  runId: string;
  /** The seq the fork copies the log up to (inclusive). */
  atSeq: number;
  /** What the fork continues from, for people ("the response of step 1"). */
  label: string;
  /** Tool calls whose result can be edited (those the model asked for at `atSeq`). */
  calls: ForkableCall[];
  /** The call to preselect (the tool span the fork was started from). */
  preselect?: string;
}

/**
 * Where "fork from here" on a span starts: a model call forks at its response (its tool results
 * can then be edited, and the edited result is what the model receives); a tool call forks at the
 * response that asked for it, that call preselected; a step at its model call; anything else at
 * the span's last event. Spans of a subagent's run are not forked from the parent's page.
 *
 * @example
 * const plan = forkPlan(tl, toolSpan); // { atSeq: 4, calls: [{ toolCallId, name: 'add', content: '5' }] }
 */
export function forkPlan(tl: Timeline, span: Span): ForkPlan | undefined {
  if (span.runId !== tl.runId) return undefined;
  const step = stepOf(tl.root, span);
  if (span.kind === 'llm' || span.kind === 'step' || span.kind === 'tool') {
    const llm =
      span.kind === 'llm'
        ? span
        : span.kind === 'step'
          ? span.children.find((c) => c.kind === 'llm' && c.toSeq !== undefined)
          : step?.children.find(
              (c) =>
                c.kind === 'llm' &&
                calledIds(c).includes(String(span.attributes['gen_ai.tool.call.id'] ?? '')),
            );
    if (llm?.toSeq !== undefined && llm.status === 'ok') {
      const owner = stepOf(tl.root, llm);
      const calls =
        (llm.attributes['afk.output.tool_calls'] as Array<{ id?: unknown; name?: unknown }> | undefined) ??
        [];
      const results = new Map<string, string>();
      for (const c of owner?.children ?? []) {
        const id = c.attributes['gen_ai.tool.call.id'];
        const r = c.attributes['afk.tool.result'];
        if (c.kind === 'tool' && typeof id === 'string') results.set(id, typeof r === 'string' ? r : '');
      }
      const toolCallId = span.kind === 'tool' ? span.attributes['gen_ai.tool.call.id'] : undefined;
      return {
        runId: tl.runId,
        atSeq: llm.toSeq,
        label: `the model's response in ${owner?.name ?? 'the run'} (seq ${llm.toSeq})`,
        calls: calls
          .filter(
            (c): c is { id: string; name: string } => typeof c.id === 'string' && typeof c.name === 'string',
          )
          .map((c) => ({ toolCallId: c.id, name: c.name, content: results.get(c.id) ?? '' })),
        ...(typeof toolCallId === 'string' ? { preselect: toolCallId } : {}),
      };
    }
  }
  const atSeq = span.toSeq ?? span.fromSeq;
  return { runId: tl.runId, atSeq, label: `${span.kind} ${span.name} (seq ${atSeq})`, calls: [] };
}

/** The fork of a plan with the user's choice of edit (none, the user message, one tool result). */
export function forkRequest(
  plan: ForkPlan,
  choice:
    | { kind: 'none' }
    | { kind: 'user'; text: string }
    | { kind: 'tool'; toolCallId: string; content: string },
): { atSeq: number; edit?: ForkEdit } {
  // A new user message restarts the run from its first event: the model is asked again.
  if (choice.kind === 'user') return { atSeq: 0, edit: { userMessage: choice.text } };
  if (choice.kind === 'tool')
    return {
      atSeq: plan.atSeq,
      edit: { toolResult: { toolCallId: choice.toolCallId, content: choice.content } },
    };
  return { atSeq: plan.atSeq };
}

function calledIds(llm: Span): string[] {
  const calls = llm.attributes['afk.output.tool_calls'];
  return Array.isArray(calls)
    ? calls.map((c) => (c && typeof c === 'object' && !Array.isArray(c) ? String(c.id) : ''))
    : [];
}

function stepOf(root: Span, span: Span): Span | undefined {
  for (const s of root.children) {
    if (s.kind !== 'step') continue;
    if (s.id === span.id || s.children.some((c) => c.id === span.id)) return s;
  }
  return undefined;
}
