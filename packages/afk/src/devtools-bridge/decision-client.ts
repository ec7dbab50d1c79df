import type { ApprovalDecision, ApprovalRequest } from '../events/records.js';
import {
  BRIDGE_DECISION_PATHS,
  type BridgeDecisionAccepted,
  type BridgeDecisionMessage,
  type BridgeDecisionStatus,
  BridgeDecisionStatusSchema,
} from './decision-protocol.js';
import { BRIDGE_PROTOCOL_VERSION } from './protocol.js';

/** What became of a decision sent with `decideOverBridge`. */
export type BridgeDecisionResult =
  /** The Node process recorded it (its run resumes there, or waits for its other approvals). */
  | { state: 'applied'; id: number; source: string }
  /**
   * Not applied. `by: 'server'`: the server refused it (`unknown_approval`, `not_listening`,
   * `source_gone`, `approval_stale`, `bridge_unreachable`, …); `by: 'node'`: the Node process
   * refused it (`approval_stale`, `invalid_argument`, `approval_not_found`, …).
   */
  | { state: 'refused'; by: 'server' | 'node'; code: string; message: string; id?: number; source?: string }
  /** No answer from the Node process in time (it may be gone): nothing is known to be decided. */
  | { state: 'not_delivered'; code: string; message: string; id: number; source: string };

/** Arguments of `decideOverBridge`. */
export interface DecideOverBridgeOptions {
  /** The `afk devtools` server (a page passes `location.href`). */
  url: string;
  approval: Pick<ApprovalRequest, 'id' | 'argsHash'>;
  decision: ApprovalDecision;
  /** Bound of the whole wait for the Node process's answer; default `30_000` ms. */
  timeoutMs?: number;
  /** Default the global `fetch` (same origin, so the token cookie goes along in a page). */
  fetch?: typeof fetch;
}

/** One status request waits this long at most (the server caps it too). */
const STATUS_WAIT_MS = 20_000;
/** After a failed status request, the next one waits this long (bounded by the deadline). */
const RETRY_MS = 500;

/**
 * Sends a decision on a bridged approval to the `afk devtools` server and waits (bounded) for
 * what became of it in the Node process: the server routes it, the Node process applies or
 * refuses it and reports back, and the status request (which the server holds until the state is
 * final) answers. Never throws: every failure is a `refused` or `not_delivered` result with a
 * code and a sentence for the person.
 *
 * @example
 * const r = await decideOverBridge({ url: location.href, approval, decision: { kind: 'approve' } });
 * if (r.state !== 'applied') show(`${r.code}: ${r.message}`);
 */
export async function decideOverBridge(o: DecideOverBridgeOptions): Promise<BridgeDecisionResult> {
  const doFetch = o.fetch ?? globalThis.fetch.bind(globalThis);
  const deadline = Date.now() + (o.timeoutMs ?? 30_000);
  const message: BridgeDecisionMessage = {
    v: BRIDGE_PROTOCOL_VERSION,
    approvalId: o.approval.id,
    argsHash: o.approval.argsHash,
    decision: o.decision,
  };
  let accepted: BridgeDecisionAccepted;
  try {
    const res = await doFetch(new URL(BRIDGE_DECISION_PATHS.decide, o.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(message),
      credentials: 'same-origin',
      signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())),
    });
    if (!res.ok) {
      const body = (await res.json().catch(() => undefined)) as
        | { error?: { code?: unknown; message?: unknown } }
        | undefined;
      const code = body?.error?.code;
      const text = body?.error?.message;
      return {
        state: 'refused',
        by: 'server',
        code: typeof code === 'string' ? code.slice(0, 100) : `http_${res.status}`,
        message:
          typeof text === 'string'
            ? text.slice(0, 2_000)
            : `the devtools server answered HTTP ${res.status}; nothing was decided`,
      };
    }
    accepted = (await res.json()) as BridgeDecisionAccepted;
  } catch (e) {
    return {
      state: 'refused',
      by: 'server',
      code: 'bridge_unreachable',
      message: `the devtools server cannot be reached (${e instanceof Error ? e.message : String(e)}); nothing was decided`,
    };
  }
  const { id, source } = accepted;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    const status = await readStatus(doFetch, o.url, source, id, Math.min(left, STATUS_WAIT_MS));
    if (status === 'unknown')
      return {
        state: 'not_delivered',
        code: 'unknown_decision',
        message:
          'the devtools server no longer knows this decision (was it restarted?); nothing is known to be decided',
        id,
        source,
      };
    if (status && status.state !== 'pending') {
      const code = status.code ?? status.state;
      const text = status.message ?? '';
      if (status.state === 'applied') return { state: 'applied', id, source };
      if (status.state === 'refused')
        return { state: 'refused', by: 'node', code, message: text, id, source };
      return { state: 'not_delivered', code, message: text, id, source };
    }
    // `undefined`: the request failed; wait a little before the next (still pending: ask again).
    if (!status) await new Promise((r) => setTimeout(r, Math.min(RETRY_MS, Math.max(0, left))));
  }
  return {
    state: 'not_delivered',
    code: 'not_delivered',
    message: `no answer about the decision within ${Math.round((o.timeoutMs ?? 30_000) / 1000)} s; nothing is known to be decided`,
    id,
    source,
  };
}

/**
 * One (long) status request; `'unknown'` when the server knows no such decision, undefined when
 * the request failed or the answer was not a valid status.
 */
async function readStatus(
  doFetch: typeof fetch,
  base: string,
  source: string,
  id: number,
  waitMs: number,
): Promise<BridgeDecisionStatus | 'unknown' | undefined> {
  const url = new URL(BRIDGE_DECISION_PATHS.status, base);
  url.searchParams.set('source', source);
  url.searchParams.set('id', String(id));
  url.searchParams.set('waitMs', String(Math.max(0, Math.round(waitMs))));
  try {
    const res = await doFetch(url, {
      credentials: 'same-origin',
      signal: AbortSignal.timeout(waitMs + 5_000),
    });
    if (res.status === 404) return 'unknown';
    if (!res.ok) return undefined;
    const r = BridgeDecisionStatusSchema.safeParse(await res.json());
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}
