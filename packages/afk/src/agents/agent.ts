import { z } from 'zod';
import { AfkConfigError, type AfkIssue, formatIssues, fromZodIssues } from '../errors/index.js';
import type { JSONValue } from '../internal/json.js';
import { JSONValueSchema } from '../internal/json.js';
import { isZodSchema } from '../internal/zod.js';
import type { LLMClient, ReasoningEffort, ToolChoice } from '../llms/types.js';
import type { AnyTool } from '../tools/tool.js';
import { type FailSafeConfig, FailSafeConfigSchema, type FailSafeInput } from './failsafe.js';
import { PolicyEngine } from './policy.js';

/** What an instructions function receives. */
export interface RunContext {
  runId: string;
  threadId: string;
  agentName: string;
  step: number;
  context: Record<string, JSONValue>;
}

export interface ModelSettings {
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  toolChoice?: ToolChoice;
  reasoningEffort?: ReasoningEffort;
}

/** The configuration of an `Agent`. */
export interface AgentConfig {
  /** Required; unique among an agent's subagents; also the tool name a parent model sees. */
  name: string;
  /** 'openai:gpt-4.1-mini', 'scripted:demo', or a client such as `scripted([...])`. */
  model: string | LLMClient;
  instructions?: string | ((ctx: RunContext) => string | Promise<string>);
  /** Shown to a parent model when used as a subagent. */
  description?: string;
  tools?: AnyTool[];
  subagents?: Agent[];
  failSafe?: FailSafeInput;
  /** Composes with (runs before) the runner's engine. */
  policy?: PolicyEngine;
  /** Structured output → `result.finalStructured`. */
  outputSchema?: z.ZodType;
  modelSettings?: ModelSettings;
  /** How much of the thread is sent back (default: all). */
  history?: { maxMessages?: number };
  contextDefaults?: Record<string, JSONValue>;
  /** Keys a subagent accepts from its parent's context. */
  inheritContextKeys?: string[];
}

const NAME_RE = /^[a-zA-Z0-9_-]{1,64}$/;

/** Zod schema of `AgentConfig` (functions and clients are checked structurally). */
export const AgentConfigSchema = z
  .object({
    name: z.string().regex(NAME_RE, 'must be 1-64 characters of letters, digits, _ or -'),
    model: z.union([
      z.string().regex(/^[a-z0-9-]+:.+$/, "must look like 'provider:model' (e.g. 'scripted:demo')"),
      z.custom<LLMClient>(
        (v) => typeof v === 'object' && v !== null && typeof (v as LLMClient).chat === 'function',
        'must be a model string or an LLMClient',
      ),
    ]),
    instructions: z
      .union([z.string(), z.custom<(ctx: RunContext) => string>((v) => typeof v === 'function')])
      .optional(),
    description: z.string().optional(),
    tools: z
      .array(
        z.custom<AnyTool>(
          (v) => typeof v === 'object' && v !== null && (v as AnyTool).kind === 'tool',
          'must be created with tool()',
        ),
      )
      .optional(),
    subagents: z
      .array(
        z.custom<Agent>(
          (v) => v instanceof Agent || (typeof v === 'object' && v !== null && (v as Agent).kind === 'agent'),
          'must be an Agent',
        ),
      )
      .optional(),
    failSafe: z.unknown().optional(),
    policy: z
      .custom<PolicyEngine>(
        (v) =>
          v instanceof PolicyEngine ||
          (typeof v === 'object' && v !== null && typeof (v as PolicyEngine).evaluate === 'function'),
        'must be a PolicyEngine',
      )
      .optional(),
    outputSchema: z.custom<z.ZodType>((v) => isZodSchema(v), 'must be a zod schema').optional(),
    modelSettings: z
      .object({
        temperature: z.number().min(0).max(2).optional(),
        maxTokens: z.number().int().positive().optional(),
        topP: z.number().min(0).max(1).optional(),
        toolChoice: z
          .union([z.enum(['auto', 'none', 'required']), z.object({ name: z.string() })])
          .optional(),
        reasoningEffort: z.enum(['low', 'medium', 'high']).optional(),
      })
      .strict()
      .optional(),
    history: z.object({ maxMessages: z.number().int().positive().optional() }).strict().optional(),
    contextDefaults: z.record(z.string(), JSONValueSchema).optional(),
    inheritContextKeys: z.array(z.string()).optional(),
  })
  .strict();

/**
 * An immutable, stateless agent definition, reusable across runs and runners. Construction
 * validates everything at once and throws `AfkConfigError` listing every issue; duplicate tool
 * names (subagents included) are refused.
 *
 * @example
 * const agent = new Agent({
 *   name: 'calculator',
 *   model: scripted([{ toolCalls: [{ name: 'add', args: { a: 1, b: 2 } }] }, { text: '3' }]),
 *   instructions: 'You add numbers.',
 *   tools: [add],
 * });
 */
export class Agent {
  readonly kind = 'agent' as const;
  readonly name: string;
  readonly model: string | LLMClient;
  readonly instructions: string | ((ctx: RunContext) => string | Promise<string>) | undefined;
  readonly description: string | undefined;
  readonly tools: readonly AnyTool[];
  readonly subagents: readonly Agent[];
  readonly failSafe: Readonly<FailSafeConfig>;
  readonly policy: PolicyEngine | undefined;
  readonly outputSchema: z.ZodType | undefined;
  readonly modelSettings: Readonly<ModelSettings>;
  readonly history: Readonly<{ maxMessages?: number }>;
  readonly contextDefaults: Readonly<Record<string, JSONValue>>;
  readonly inheritContextKeys: readonly string[];

  constructor(config: AgentConfig) {
    const issues: AfkIssue[] = [];
    const parsed = AgentConfigSchema.safeParse(config);
    if (!parsed.success) issues.push(...fromZodIssues(parsed.error.issues));
    const fs = FailSafeConfigSchema.safeParse(config?.failSafe ?? {});
    if (!fs.success)
      issues.push(...fromZodIssues(fs.error.issues).map((i) => ({ ...i, path: ['failSafe', ...i.path] })));
    const seen = new Map<string, string>();
    for (const t of config?.tools ?? []) {
      if (t && typeof t.name === 'string') {
        if (seen.has(t.name)) issues.push({ path: ['tools'], message: `duplicate tool name '${t.name}'` });
        seen.set(t.name, 'tool');
      }
    }
    for (const s of config?.subagents ?? []) {
      if (s && typeof s.name === 'string') {
        if (seen.has(s.name))
          issues.push({
            path: ['subagents'],
            message: `name '${s.name}' is used by another ${seen.get(s.name)}`,
          });
        seen.set(s.name, 'subagent');
      }
    }
    if (issues.length) {
      throw new AfkConfigError(
        'invalid_config',
        `Invalid agent '${String(config?.name ?? '')}' (${issues.length} issue${issues.length > 1 ? 's' : ''}):\n${formatIssues(issues)}`,
        { issues },
      );
    }
    this.name = config.name;
    this.model = config.model;
    this.instructions = config.instructions;
    this.description = config.description;
    this.tools = Object.freeze([...(config.tools ?? [])]);
    this.subagents = Object.freeze([...(config.subagents ?? [])]);
    this.failSafe = Object.freeze(fs.data!);
    this.policy = config.policy;
    this.outputSchema = config.outputSchema;
    this.modelSettings = Object.freeze({ ...(config.modelSettings ?? {}) });
    this.history = Object.freeze({ ...(config.history ?? {}) });
    this.contextDefaults = Object.freeze({ ...(config.contextDefaults ?? {}) });
    this.inheritContextKeys = Object.freeze([...(config.inheritContextKeys ?? [])]);
    Object.freeze(this);
  }

  /** Model id as a string, for events (`provider:model`). */
  get modelId(): string {
    return typeof this.model === 'string' ? this.model : `${this.model.provider}:${this.model.model}`;
  }
}
