/**
 * `afk/core/approval-edit`: checks a human's edited tool arguments against the tool's JSON Schema
 * before they are sent (the devtools inbox) and when they are decided (`decideApproval`). Its own
 * subpath so apps that never edit arguments do not ship the validator.
 *
 * @module
 */
import { type Schema, Validator } from '@cfworker/json-schema';
import { AfkError } from '../errors/index.js';
import type { ApprovalRequest } from '../events/records.js';

/** One reason edited args fail the tool's schema: where (JSON path segments) and why. */
export interface ApprovalEditIssue {
  path: string[];
  message: string;
}

/** The outcome of `validateApprovalEdit`. */
export type ApprovalEditCheck = { ok: true } | { ok: false; issues: ApprovalEditIssue[] };

/** Keywords that only summarise failures of their parts (listed themselves). */
const SUMMARY = new Set(['properties', 'items', 'prefixItems', 'allOf', '$ref', 'additionalItems']);

/**
 * Checks `edit` args against the JSON Schema the approval carries (`argsSchema`, the tool's
 * `parameters`), with no agent or tool at hand: the devtools inbox uses it before it offers a
 * decision, and `Runner.decideApproval` refuses an edit that fails it. An approval without
 * `argsSchema` (written before it existed) accepts any args. Validation runs everywhere
 * (`@cfworker/json-schema`, draft 2020-12, no code generation).
 *
 * @example
 * const check = validateApprovalEdit(approval, { to: '', body: 'hi' });
 * if (!check.ok) console.log(check.issues); // [{ path: ['to'], message: 'String is too short (0 < 1).' }]
 */
export function validateApprovalEdit(
  approval: Pick<ApprovalRequest, 'argsSchema'>,
  args: unknown,
): ApprovalEditCheck {
  if (!approval.argsSchema) return { ok: true };
  const result = new Validator(approval.argsSchema as Schema, '2020-12', false).validate(args);
  if (result.valid) return { ok: true };
  const detailed = result.errors.filter((e) => !SUMMARY.has(e.keyword));
  const seen = new Set<string>();
  const issues: ApprovalEditIssue[] = [];
  for (const e of detailed.length ? detailed : result.errors) {
    const path = e.instanceLocation
      .replace(/^#\/?/, '')
      .split('/')
      .filter((p) => p.length > 0)
      .map((p) => decodeURIComponent(p).replace(/~1/g, '/').replace(/~0/g, '~'));
    const key = `${path.join('/')}\u0000${e.error}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({ path, message: e.error });
  }
  return { ok: false, issues };
}

/** `validateApprovalEdit`, throwing `AfkError` `invalid_argument` with the issues listed. */
export function assertApprovalEdit(approval: ApprovalRequest, args: unknown): void {
  const check = validateApprovalEdit(approval, args);
  if (check.ok) return;
  const list = check.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  throw new AfkError(
    'invalid_argument',
    `edited args of approval ${approval.id} do not fit the schema of '${approval.toolName}': ${list}`,
    { issues: check.issues.map((i) => ({ path: i.path, message: i.message })) },
  );
}
