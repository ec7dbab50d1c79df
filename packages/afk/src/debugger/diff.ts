import type { RunEvent } from '../events/run-event.js';
import type { JSONValue } from '../internal/json.js';
import { toJSONValue } from '../internal/json.js';
import type { RunDiff, StepSummary } from './types.js';

/**
 * What each step of a run did, from its log: the model's answer or tool calls, with their args
 * and results, duration, tokens and cost. A step redone after a crash is one step.
 */
export function summariseSteps(events: readonly RunEvent[]): StepSummary[] {
  const steps: Array<StepSummary & { startTs: number }> = [];
  let cur: (StepSummary & { startTs: number }) | undefined;
  const byCall = new Map<string, StepSummary['calls'][number]>();
  const end = (ts: number): void => {
    if (cur) cur.durationMs = Math.max(0, ts - cur.startTs);
  };
  for (const e of events) {
    if (e.type === 'step_started') {
      if (cur && cur.step === e.data.step) continue;
      end(e.ts);
      cur = {
        step: e.data.step,
        kind: 'failed',
        toolNames: [],
        calls: [],
        text: '',
        durationMs: 0,
        totalTokens: 0,
        costUsd: 0,
        startTs: e.ts,
      };
      steps.push(cur);
      continue;
    }
    if (!cur) continue;
    if (e.type === 'llm_completed') {
      const r = e.data.response;
      cur.kind = r.toolCalls.length ? 'tools' : 'answer';
      cur.text = r.text;
      cur.totalTokens += r.usage.totalTokens;
      cur.costUsd += e.data.costUsd;
      for (const c of r.toolCalls) {
        const call = { name: c.name, args: toJSONValue(c.args) };
        cur.toolNames.push(c.name);
        cur.calls.push(call);
        byCall.set(c.id, call);
      }
    } else if (e.type === 'tool_completed') {
      const call = byCall.get(e.data.toolCallId);
      if (call) {
        call.output = e.data.content;
        if (e.data.isError) call.isError = true;
      }
    } else if (e.type === 'subagent_completed') {
      cur.totalTokens += e.data.usage.totalTokens;
      cur.costUsd += e.data.usage.costUsd;
    }
    end(e.ts);
  }
  return steps.map(({ startTs: _startTs, ...s }) => s);
}

const shape = (s: StepSummary): string => `${s.kind}:${s.toolNames.join(',')}`;
const same = (a: StepSummary, b: StepSummary): boolean =>
  a.kind === b.kind &&
  a.text === b.text &&
  stable(a.calls as unknown as JSONValue) === stable(b.calls as unknown as JSONValue);

function stable(v: JSONValue): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  return `{${Object.keys(v)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stable(v[k] as JSONValue)}`)
    .join(',')}}`;
}

/**
 * Aligns two trajectories by the longest common subsequence of step shapes (kind + tool names).
 * Aligned steps are `same` or `changed` (args, results or text differ); a removed step next to an
 * added one is paired as `changed` (the model took another tool at that point).
 */
export function alignSteps(a: StepSummary[], b: StepSummary[]): RunDiff['steps'] {
  const n = a.length;
  const m = b.length;
  // LCS table over shapes; runs are at most a few hundred steps, so O(n·m) is fine.
  const dp: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const row = dp[i] as Uint32Array;
      row[j] =
        shape(a[i] as StepSummary) === shape(b[j] as StepSummary)
          ? ((dp[i + 1] as Uint32Array)[j + 1] as number) + 1
          : Math.max((dp[i + 1] as Uint32Array)[j] as number, row[j + 1] as number);
    }
  }
  const out: RunDiff['steps'] = [];
  let i = 0;
  let j = 0;
  const removed: StepSummary[] = [];
  const added: StepSummary[] = [];
  const pairUp = (): void => {
    while (removed.length && added.length)
      out.push({ change: 'changed', a: removed.shift() as StepSummary, b: added.shift() as StepSummary });
    for (const r of removed.splice(0)) out.push({ change: 'removed', a: r });
    for (const x of added.splice(0)) out.push({ change: 'added', b: x });
  };
  while (i < n && j < m) {
    const x = a[i] as StepSummary;
    const y = b[j] as StepSummary;
    if (shape(x) === shape(y)) {
      pairUp();
      out.push({ change: same(x, y) ? 'same' : 'changed', a: x, b: y });
      i++;
      j++;
    } else if (((dp[i + 1] as Uint32Array)[j] as number) >= ((dp[i] as Uint32Array)[j + 1] as number)) {
      removed.push(x);
      i++;
    } else {
      added.push(y);
      j++;
    }
  }
  while (i < n) removed.push(a[i++] as StepSummary);
  while (j < m) added.push(b[j++] as StepSummary);
  pairUp();
  return out;
}

/** A run's end figures, from its last `run_completed` (or the log when it has none). */
function totals(events: readonly RunEvent[]): {
  text: string;
  durationMs: number;
  totalTokens: number;
  costUsd: number;
} {
  const first = events[0];
  let last: RunEvent<'run_completed'> | undefined;
  for (const e of events) if (e.type === 'run_completed') last = e;
  const endTs = (last ?? events[events.length - 1])?.ts ?? 0;
  if (last) {
    const r = last.data.result;
    return {
      text: r.finalText,
      durationMs: Math.max(0, endTs - (first?.ts ?? endTs)),
      totalTokens: r.usage.totalTokens,
      costUsd: r.usage.costUsd,
    };
  }
  const steps = summariseSteps(events);
  return {
    text: steps.filter((s) => s.kind === 'answer').at(-1)?.text ?? '',
    durationMs: Math.max(0, endTs - (first?.ts ?? endTs)),
    totalTokens: steps.reduce((t, s) => t + s.totalTokens, 0),
    costUsd: steps.reduce((t, s) => t + s.costUsd, 0),
  };
}

/** Compares two runs' logs (pure). */
export function diffLogs(a: readonly RunEvent[], b: readonly RunEvent[]): RunDiff {
  const sa = summariseSteps(a);
  const sb = summariseSteps(b);
  const ta = totals(a);
  const tb = totals(b);
  const namesA = new Set(sa.flatMap((s) => s.toolNames));
  const namesB = new Set(sb.flatMap((s) => s.toolNames));
  return {
    steps: alignSteps(sa, sb),
    finalText: { a: ta.text, b: tb.text, same: ta.text === tb.text },
    tools: {
      onlyA: [...namesA].filter((x) => !namesB.has(x)).sort(),
      onlyB: [...namesB].filter((x) => !namesA.has(x)).sort(),
    },
    deltas: {
      durationMs: tb.durationMs - ta.durationMs,
      totalTokens: tb.totalTokens - ta.totalTokens,
      costUsd: tb.costUsd - ta.costUsd,
    },
  };
}
