import type { JSONValue } from '../../internal/json.js';
import { toJSONValue } from '../../internal/json.js';
import { checkJsonBounds } from '../../internal/limits.js';
import { isRedactedKey, redact } from '../../internal/redact.js';
import type { LLMResponse, ToolCall } from '../../llms/types.js';
import type { RunnerConfig } from '../config.js';
import type { RunFoldState } from '../fold.js';

/**
 * Admission of a model response into the run, before anything of it is logged: the point where
 * untrusted tool calls become the run's own (see docs/decisions.md, "Tool calls entering a run").
 *
 * - Every call gets an id unique in the run: a repeated id (in the response, or one already
 *   journaled) is renamed `<id>_<n>` in the stored response, so the transcript stays valid (one
 *   result per call id) and the duplicate is never taken for a crashed call.
 * - Arguments beyond `maxToolArgsDepth` / `maxToolArgsBytes` are replaced by a placeholder
 *   `{ $afkOmitted: reason }`; the gate answers such a call with a tool error.
 * - Arguments holding a redacted key are stored redacted; the real ones stay in memory
 *   (per runner, by run and call id) until the gate has answered the call.
 */
export type AdmitHost = {
  readonly rt: { readonly config: RunnerConfig };
  readonly init: { readonly runId: string };
  readonly state: RunFoldState;
};

/** The key of the placeholder stored in place of arguments the run refused. */
export const OMITTED_KEY = '$afkOmitted';

/** Real arguments of calls whose stored arguments are redacted: runner → `runId\0callId` → args. */
const liveArgs = new WeakMap<object, Map<string, JSONValue>>();

function liveKey(runId: string, callId: string): string {
  return `${runId}\u0000${callId}`;
}

/** The response as the run keeps it (unique ids, bounded and redacted arguments). Never throws. */
export function admitResponse(host: AdmitHost, r: LLMResponse): LLMResponse {
  if (r.toolCalls.length === 0) return r;
  const cfg = host.rt.config;
  const seen = new Set<string>();
  const toolCalls = r.toolCalls.map((c, i): ToolCall => {
    const id = uniqueId(host.state, seen, typeof c.id === 'string' && c.id ? c.id : `call_${i}`);
    seen.add(id);
    const issue = checkJsonBounds(c.args, { maxDepth: cfg.maxToolArgsDepth, maxBytes: cfg.maxToolArgsBytes });
    if (issue) {
      const what =
        issue.kind === 'depth'
          ? `too deeply nested (more than ${cfg.maxToolArgsDepth} levels)`
          : issue.kind === 'size'
            ? `too large (more than ${cfg.maxToolArgsBytes} bytes of JSON)`
            : 'not JSON (they contain a cycle)';
      return { id, name: c.name, args: { [OMITTED_KEY]: `the arguments were ${what}` } };
    }
    const args = toJSONValue(c.args);
    if (!hasRedactedKey(args, cfg.redactKeys)) return { id, name: c.name, args };
    let map = liveArgs.get(host.rt);
    if (!map) {
      map = new Map();
      liveArgs.set(host.rt, map);
    }
    map.set(liveKey(host.init.runId, id), args);
    return { id, name: c.name, args: redact(args, cfg.redactKeys) };
  });
  return { ...r, toolCalls };
}

function uniqueId(state: RunFoldState, seen: Set<string>, id: string): string {
  const taken = (x: string) =>
    seen.has(x) || x in state.journal || x in state.approvals || x in state.subagentRuns;
  if (!taken(id)) return id;
  let n = 2;
  while (taken(`${id}_${n}`)) n++;
  return `${id}_${n}`;
}

/** True when some object key inside `v` is redacted by `keys`. Iterative. */
export function hasRedactedKey(v: JSONValue, keys: readonly string[]): boolean {
  const stack: JSONValue[] = [v];
  while (stack.length) {
    const x = stack.pop();
    if (Array.isArray(x)) for (const item of x) stack.push(item);
    else if (x && typeof x === 'object') {
      for (const k of Object.keys(x)) {
        if (isRedactedKey(k, keys)) return true;
        stack.push(x[k] as JSONValue);
      }
    }
  }
  return false;
}

/** What the gate runs a call with: its real arguments, or why it cannot run. */
export type CallArgs = { ok: true; args: unknown } | { ok: false; code: string; message: string };

/**
 * The arguments of a call as the gate sees it: the in-memory real ones when its stored ones are
 * redacted; a refusal for a placeholder, or for redacted arguments whose real values are gone
 * (the run was resumed in another process, or after a crash): such a call is never run with
 * `[redacted]` values.
 */
export function callArgs(host: AdmitHost, call: ToolCall): CallArgs {
  const real = liveArgs.get(host.rt)?.get(liveKey(host.init.runId, call.id));
  if (real !== undefined) return { ok: true, args: real };
  const a = call.args as JSONValue;
  const omitted = a && typeof a === 'object' && !Array.isArray(a) ? a[OMITTED_KEY] : undefined;
  if (typeof omitted === 'string') {
    return {
      ok: false,
      code: 'tool_args_rejected',
      message: `Not executed: ${omitted}. Call '${call.name}' again with smaller, flatter arguments.`,
    };
  }
  if (hasRedactedKey(a, host.rt.config.redactKeys)) {
    return {
      ok: false,
      code: 'tool_args_withheld',
      message: `Not executed: the arguments of this call to '${call.name}' held secret values (such as a password or key) that are never stored, and they were lost when the run was interrupted. If it should still happen, call '${call.name}' again with its arguments.`,
    };
  }
  return { ok: true, args: a };
}

/** Forgets the real arguments of a call the gate has answered (or scheduled). */
export function releaseCallArgs(host: AdmitHost, callId: string): void {
  liveArgs.get(host.rt)?.delete(liveKey(host.init.runId, callId));
}
