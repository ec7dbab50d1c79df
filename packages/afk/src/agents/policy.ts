import { z } from 'zod';
import { AfkConfigError, formatIssues, fromZodIssues } from '../errors/index.js';
import type { JSONValue } from '../internal/json.js';
import { JSONValueSchema, stableStringify } from '../internal/json.js';

export type PolicyAction = 'allow' | 'deny' | 'request_approval' | 'request_user_input';
export type PolicyEventType = 'llm_before_execute' | 'tool_before_execute' | 'subagent_before_execute';

/** What a policy sees: one gate crossing. */
export interface PolicyEvent {
  type: PolicyEventType;
  runId: string;
  threadId: string;
  agentName: string;
  agentPath: string;
  step: number;
  toolName?: string;
  toolCallId?: string;
  subagent?: string;
  model?: string;
  args?: JSONValue;
  context: Record<string, JSONValue>;
}

export interface PolicyDecision {
  action: PolicyAction;
  reason?: string;
  ruleId?: string;
  /** Ids of every enabled rule that matched, in evaluation order. */
  matchedRules: string[];
  updatedArgs?: Record<string, JSONValue>;
  /** Set when a rule threw: evaluation failed closed (deny). */
  error?: string;
}

export interface PolicyRule {
  id: string;
  action: PolicyAction;
  /** Higher first (default 100); ties by id ascending. */
  priority?: number;
  enabled?: boolean;
  when?: {
    event?: PolicyEventType | PolicyEventType[];
    /** Glob: `*` any run of characters, `?` one character. */
    tool?: string;
    subagent?: string;
    model?: string;
    /** Equality on the listed keys, or a predicate. */
    args?: Record<string, JSONValue> | ((args: JSONValue | undefined) => boolean);
    context?: Record<string, JSONValue>;
  };
  reason?: string;
  updatedArgs?: Record<string, JSONValue>;
}

/** A function rule: return a decision to stop evaluation, or undefined to pass. */
export type PolicyFn = (
  event: PolicyEvent,
) =>
  | Pick<PolicyDecision, 'action' | 'reason' | 'updatedArgs'>
  | undefined
  | Promise<Pick<PolicyDecision, 'action' | 'reason' | 'updatedArgs'> | undefined>;

export const PolicyRuleSchema = z
  .object({
    id: z.string().min(1),
    action: z.enum(['allow', 'deny', 'request_approval', 'request_user_input']),
    priority: z.number().optional(),
    enabled: z.boolean().optional(),
    when: z
      .object({
        event: z
          .union([
            z.enum(['llm_before_execute', 'tool_before_execute', 'subagent_before_execute']),
            z.array(z.enum(['llm_before_execute', 'tool_before_execute', 'subagent_before_execute'])),
          ])
          .optional(),
        tool: z.string().optional(),
        subagent: z.string().optional(),
        model: z.string().optional(),
        args: z
          .union([
            z.record(z.string(), JSONValueSchema),
            z.custom<(a: unknown) => boolean>((v) => typeof v === 'function'),
          ])
          .optional(),
        context: z.record(z.string(), JSONValueSchema).optional(),
      })
      .strict()
      .optional(),
    reason: z.string().optional(),
    updatedArgs: z.record(z.string(), JSONValueSchema).optional(),
  })
  .strict();

export interface PolicyEngineOptions {
  /** `shadow` records decisions without applying them (for rolling out a policy). Default 'enforce'. */
  mode?: 'enforce' | 'shadow';
}

interface CompiledRule {
  rule: PolicyRule;
  priority: number;
  toolRe?: RegExp;
  subagentRe?: RegExp;
  modelRe?: RegExp;
}

/**
 * Ordered allow/deny/approval rules over gate events. Rules sort by (priority desc, id asc);
 * the first enabled match wins; no match allows. Function rules rank at priority 100 with the id
 * `fn#<index>`; returning undefined passes to the next rule. A rule that throws
 * denies (fail closed) with the error recorded. Every evaluation is recorded by the runner as a
 * `policy_decision` run event.
 *
 * @example
 * const policy = new PolicyEngine([
 *   { id: 'deny-add', action: 'deny', priority: 200, when: { event: 'tool_before_execute', tool: 'add' } },
 *   { id: 'approve-email', action: 'request_approval', when: { tool: 'send_*' } },
 * ]);
 */
export class PolicyEngine {
  readonly mode: 'enforce' | 'shadow';
  private readonly rules: Array<
    { kind: 'rule'; c: CompiledRule } | { kind: 'fn'; fn: PolicyFn; id: string; priority: number }
  >;

  constructor(rules: Array<PolicyRule | PolicyFn>, options: PolicyEngineOptions = {}) {
    this.mode = options.mode ?? 'enforce';
    const issues = [];
    const compiled: typeof this.rules = [];
    const ids = new Set<string>();
    for (const [i, r] of rules.entries()) {
      if (typeof r === 'function') {
        compiled.push({ kind: 'fn', fn: r, id: `fn#${i}`, priority: 100 });
        continue;
      }
      const parsed = PolicyRuleSchema.safeParse(r);
      if (!parsed.success) {
        issues.push(...fromZodIssues(parsed.error.issues).map((x) => ({ ...x, path: [i, ...x.path] })));
        continue;
      }
      if (ids.has(r.id)) issues.push({ path: [i, 'id'], message: `duplicate rule id '${r.id}'` });
      ids.add(r.id);
      compiled.push({
        kind: 'rule',
        c: {
          rule: r,
          priority: r.priority ?? 100,
          ...(r.when?.tool ? { toolRe: globToRegExp(r.when.tool) } : {}),
          ...(r.when?.subagent ? { subagentRe: globToRegExp(r.when.subagent) } : {}),
          ...(r.when?.model ? { modelRe: globToRegExp(r.when.model) } : {}),
        },
      });
    }
    if (issues.length) {
      throw new AfkConfigError('invalid_config', `Invalid policy rules:\n${formatIssues(issues)}`, {
        issues,
      });
    }
    compiled.sort((a, b) => {
      const pa = a.kind === 'rule' ? a.c.priority : a.priority;
      const pb = b.kind === 'rule' ? b.c.priority : b.priority;
      if (pa !== pb) return pb - pa;
      const ia = a.kind === 'rule' ? a.c.rule.id : a.id;
      const ib = b.kind === 'rule' ? b.c.rule.id : b.id;
      return ia < ib ? -1 : ia > ib ? 1 : 0;
    });
    this.rules = compiled;
  }

  /** Number of rules. */
  get size(): number {
    return this.rules.length;
  }

  /** Evaluates one event. Never throws: a throwing rule yields a deny with `error`. */
  async evaluate(event: PolicyEvent): Promise<PolicyDecision> {
    const matchedRules: string[] = [];
    let winner: PolicyDecision | undefined;
    for (const entry of this.rules) {
      if (entry.kind === 'fn') {
        try {
          const d = await entry.fn(event);
          if (d) {
            matchedRules.push(entry.id);
            winner ??= { ...d, ruleId: entry.id, matchedRules };
          }
        } catch (e) {
          matchedRules.push(entry.id);
          winner ??= {
            action: 'deny',
            ruleId: entry.id,
            matchedRules,
            reason: 'policy rule failed',
            error: String(e),
          };
        }
        continue;
      }
      const { rule } = entry.c;
      if (rule.enabled === false) continue;
      let matches: boolean;
      try {
        matches = ruleMatches(entry.c, event);
      } catch (e) {
        matchedRules.push(rule.id);
        winner ??= {
          action: 'deny',
          ruleId: rule.id,
          matchedRules,
          reason: 'policy rule failed',
          error: String(e),
        };
        continue;
      }
      if (!matches) continue;
      matchedRules.push(rule.id);
      winner ??= {
        action: rule.action,
        ruleId: rule.id,
        matchedRules,
        ...(rule.reason === undefined ? {} : { reason: rule.reason }),
        ...(rule.updatedArgs === undefined ? {} : { updatedArgs: rule.updatedArgs }),
      };
    }
    return winner ?? { action: 'allow', matchedRules };
  }
}

function ruleMatches(c: CompiledRule, ev: PolicyEvent): boolean {
  const w = c.rule.when;
  if (!w) return true;
  if (w.event !== undefined) {
    const events = Array.isArray(w.event) ? w.event : [w.event];
    if (!events.includes(ev.type)) return false;
  }
  if (c.toolRe && (ev.toolName === undefined || !c.toolRe.test(ev.toolName))) return false;
  if (c.subagentRe && (ev.subagent === undefined || !c.subagentRe.test(ev.subagent))) return false;
  if (c.modelRe && (ev.model === undefined || !c.modelRe.test(ev.model))) return false;
  if (w.args !== undefined) {
    if (typeof w.args === 'function') {
      if (!w.args(ev.args)) return false;
    } else {
      const a = ev.args;
      if (!a || typeof a !== 'object' || Array.isArray(a)) return false;
      for (const [k, v] of Object.entries(w.args))
        if (stableStringify(a[k]) !== stableStringify(v)) return false;
    }
  }
  if (w.context) {
    for (const [k, v] of Object.entries(w.context))
      if (stableStringify(ev.context[k]) !== stableStringify(v)) return false;
  }
  return true;
}

/** `send_*` → /^send_.*$/ */
export function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}
