import type { ApprovalDecision, ApprovalRequest } from '../events/records.js';
import { isRedactedKey, REDACTED, redact } from '../internal/redact.js';
import { hasRedactedKey } from './tool-gate/admit.js';

/**
 * Values a person enters when deciding an approval — `edit` args, a `respond` value (the answer to
 * `request_user_input`) — are kept out of the approval row, the log and everything derived from
 * them (snapshots, exports, devtools) under the run's `redactKeys`, like a tool call's args (see
 * docs/decisions.md, "Secrets a human enters"). The real decision stays in this process's memory,
 * by store and approval id, until the run applies it; a run that applies a decision whose secret
 * values are gone (resumed in another process, after a crash) does not run the call with
 * `[redacted]` values: it answers `tool_args_withheld`.
 */

/** The approval fields that say where a decision's values land. */
type Landing = Pick<ApprovalRequest, 'responseKey'>;

/**
 * The decision as it is stored and logged: `edit` args redacted as tool args are; a `respond`
 * value redacted entirely when it lands under a redacted `responseKey`, else its object keys.
 * The decision itself when nothing in it is secret.
 *
 * @example
 * redactDecision({ kind: 'respond', value: 'hunter2' }, { responseKey: 'password' }, ['password'])
 * // { kind: 'respond', value: '[redacted]' }
 */
export function redactDecision(d: ApprovalDecision, at: Landing, keys: readonly string[]): ApprovalDecision {
  if (!holdsSecrets(d, at, keys)) return d;
  if (d.kind === 'edit') return { ...d, args: redact(d.args, keys) };
  if (d.kind === 'respond')
    return {
      ...d,
      value: at.responseKey && isRedactedKey(at.responseKey, keys) ? REDACTED : redact(d.value, keys),
    };
  return d;
}

/** True when a decision (as entered, or as stored) has values under `keys`. */
export function holdsSecrets(d: ApprovalDecision, at: Landing, keys: readonly string[]): boolean {
  if (d.kind === 'edit') return hasRedactedKey(d.args, keys);
  if (d.kind === 'respond')
    return (
      (at.responseKey !== undefined && isRedactedKey(at.responseKey, keys)) || hasRedactedKey(d.value, keys)
    );
  return false;
}

/** Real decisions whose stored form is redacted: store → approval id → decision. */
const live = new WeakMap<object, Map<string, ApprovalDecision>>();

/** Keeps the real `decision` of `approvalId` for a run of `store` in this process. */
export function keepDecision(store: object, approvalId: string, decision: ApprovalDecision): void {
  let m = live.get(store);
  if (!m) {
    m = new Map();
    live.set(store, m);
  }
  m.set(approvalId, decision);
}

/** Forgets a kept decision (its write was refused, or the run has applied it). */
export function forgetDecision(store: object, approvalId: string): void {
  live.get(store)?.delete(approvalId);
}

/**
 * The decision a run applies: the stored one when nothing in it is secret, else the real one kept
 * in this process, else `withheld` (its secret values are gone).
 */
export function realDecision(
  store: object,
  approvalId: string,
  stored: ApprovalDecision,
  at: Landing,
  keys: readonly string[],
): ApprovalDecision | 'withheld' {
  const kept = live.get(store)?.get(approvalId);
  if (kept) return kept;
  return holdsSecrets(stored, at, keys) ? 'withheld' : stored;
}
