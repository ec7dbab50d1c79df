import type { AgentResult, UsageAggregate } from '../../events/records.js';
import type { RunEvent } from '../../events/run-event.js';
import type { JSONValue } from '../../internal/json.js';
import type { LLMClient, Message } from '../../llms/types.js';
import type { JudgeCache } from './judge-cache.js';

/**
 * What an assertion concludes about one trial of a case: a `score` in 0..1, whether it `passed`,
 * a `reason` a person can read, and optional JSON `metadata` (e.g. the judge's raw verdict).
 *
 * @example
 * const r: AssertionResult = { name: 'toolCalled(search)', score: 1, passed: true, reason: 'search was called' };
 */
export interface AssertionResult {
  name: string;
  score: number;
  passed: boolean;
  reason: string;
  metadata?: Record<string, JSONValue>;
}

/** One tool call of a run as assertions see it (from the run's `tool_started` events). */
export interface ToolCallView {
  name: string;
  args: JSONValue;
  toolCallId: string;
  agentPath: string;
}

/** The case as an assertion sees it (the data fields of `EvalCase`). */
export interface AssertedCase {
  readonly id: string;
  readonly input: string | Message[];
  readonly context?: Record<string, JSONValue>;
  readonly expected?: JSONValue;
  readonly tags?: string[];
}

/**
 * What an assertion is given: the case, the run's result, its log (read on first use), the
 * trajectory, the measured duration, and the means to call a judge model (the cache, a model
 * resolver, and `addUsage` to charge a judge's tokens and cost to the case and the suite).
 */
export interface AssertionContext {
  readonly case: AssertedCase;
  readonly result: AgentResult;
  /** 1-based trial number (repeats). */
  readonly trial: number;
  readonly durationMs: number;
  /** The root run's persisted events (read once, on first call). */
  events(): Promise<RunEvent[]>;
  /** The root run's tool calls in the order they started, with their arguments. */
  toolCalls(): Promise<ToolCallView[]>;
  readonly judgeCache: JudgeCache;
  /** Resolves a model string the way the runner does (`'openai:gpt-4.1-mini'`); clients pass through. */
  resolveModel(model: string | LLMClient): Promise<LLMClient>;
  /** Charges model usage spent by the assertion (a judge) to the case's and the suite's usage. */
  addUsage(usage: UsageAggregate): void;
  readonly signal: AbortSignal;
}

/**
 * A check on one trial. Build them with the assertion functions (`completed()`,
 * `toolCalled(...)`, `llmJudge(...)`, ...) or `custom(name, fn)`. An assertion that throws makes
 * its case `errored` (the eval could not be judged), not `failed`.
 *
 * @example
 * const hasAnswer: Assertion = { name: 'has answer', evaluate: ({ result }) => ({
 *   name: 'has answer', score: result.finalText ? 1 : 0, passed: !!result.finalText, reason: 'final text' }) };
 */
export interface Assertion {
  readonly name: string;
  evaluate(ctx: AssertionContext): AssertionResult | Promise<AssertionResult>;
}
