import { z } from 'zod';
import type { Agent } from '../agents/agent.js';
import { AfkLLMError, toErrorInfo } from '../errors/index.js';
import { abortReason } from '../internal/abort.js';
import type { JSONValue } from '../internal/json.js';
import { toJSONValue } from '../internal/json.js';
import { estimateCostUsd } from '../llms/pricing.js';
import type { BreakerOutcome } from '../llms/resilience/circuit-breaker.js';
import type { LLMClient, LLMRequest, LLMResponse, LLMToolSpec, Message } from '../llms/types.js';
import { limit, now } from './limits.js';
import { breakerOutcome, modelBreaker } from './model-breaker.js';
import { RunEnd } from './run-end.js';
import type { ModelHost } from './run-types.js';
import { SUBAGENT_PARAMETERS } from './subagents.js';
import { admitResponse } from './tool-gate/admit.js';
import { ToolInputDeltas } from './tool-gate/input-deltas.js';

/** One model call with the fallback chain; appends llm_called / llm_completed (or llm_failed). */
export async function callModel(host: ModelHost, step: number): Promise<LLMResponse> {
  const fs = host.agent.failSafe;
  const chain: Array<string | LLMClient> = [host.agent.model, ...fs.fallbackModels];
  let lastError: unknown;
  for (const [i, model] of chain.entries()) {
    if (host.state.llmCalls >= fs.maxLlmCalls)
      limit(host, 'maxLlmCalls', host.state.llmCalls, fs.maxLlmCalls);
    const id = typeof model === 'string' ? model : `${model.provider}:${model.model}`;
    // The fail-safe breaker: an open circuit fails fast, before any request is built or sent.
    let permit: (o: BreakerOutcome) => void;
    try {
      permit = modelBreaker(host.rt, host.agent, id).acquire(fs.breaker, `${host.agent.name}/${id}`);
    } catch (e) {
      lastError = e;
      host.emit(
        'llm_failed',
        { model: id, error: toErrorInfo(e, 'circuit_open'), willFallback: i < chain.length - 1 },
        step,
      );
      continue;
    }
    let client: LLMClient;
    try {
      client = typeof model === 'string' ? await host.rt.resolveModel(model) : model;
    } catch (e) {
      permit('neutral');
      lastError = e;
      host.emit(
        'llm_failed',
        { model: id, error: toErrorInfo(e, 'llm_error'), willFallback: i < chain.length - 1 },
        step,
      );
      continue;
    }
    let req: LLMRequest;
    try {
      req = await buildRequest(host, client);
    } catch (e) {
      permit('neutral');
      throw e;
    }
    const stream = host.init.streaming && client.capabilities.streaming;
    host.emit('llm_called', { model: id, messageCount: req.messages.length, stream }, step);
    const span = host.rt.telemetry?.startSpan('afk.llm', { model: id, step }, host.runSpan);
    const t0 = now();
    try {
      const answer = stream ? consumeStream(host, client, req) : client.chat(req, { signal: host.signal });
      // The request is on its way: writes flushed behind now overlap the wait.
      host.startTrailingWrites?.();
      const response = admitResponse(host, await answer);
      permit('success');
      const latencyMs = now() - t0;
      const costUsd = response.costUsd ?? estimateCostUsd(response.model || id, response.usage);
      host.emit(
        'llm_completed',
        {
          response: normaliseResponse(response, client),
          requestedModel: host.agent.modelId,
          costUsd,
          latencyMs,
        },
        step,
      );
      if (!stream && response.text) host.publishDelta('text_delta', response.text);
      span?.end({ ok: true });
      host.rt.telemetry?.histogram('afk.llm.latency_ms', latencyMs, { model: id });
      return response;
    } catch (e) {
      span?.end({ ok: false, error: toErrorInfo(e).code });
      if (host.signal.aborted) {
        permit('neutral');
        throw abortReason(host.signal);
      }
      permit(breakerOutcome(e));
      lastError = e;
      host.emit(
        'llm_failed',
        { model: id, error: toErrorInfo(e, 'llm_error'), willFallback: i < chain.length - 1 },
        step,
      );
    }
  }
  const info = toErrorInfo(lastError, 'llm_error');
  throw new RunEnd(fs.llmFailurePolicy === 'degrade' ? 'degraded' : 'failed', info);
}

async function buildRequest(host: ModelHost, client: LLMClient): Promise<LLMRequest> {
  const a = host.agent;
  const instructions =
    typeof a.instructions === 'function'
      ? await a.instructions({
          runId: host.init.runId,
          threadId: host.init.threadId,
          agentName: a.name,
          step: host.state.step,
          context: host.state.context,
        })
      : a.instructions;
  // A fresh array per request (providers and recorders may keep it); never spread into push(),
  // which has an argument limit a long thread would hit.
  const history = windowMessages(host.state.messages, a.history.maxMessages);
  const messages: Message[] = instructions
    ? [{ role: 'system', content: instructions }, ...history]
    : history.slice();
  const tools = toolSpecs(a);
  const ms = a.modelSettings;
  return {
    model: client.model,
    messages,
    ...(tools.length ? { tools } : {}),
    ...(ms.toolChoice === undefined ? {} : { toolChoice: ms.toolChoice }),
    ...(ms.temperature === undefined ? {} : { temperature: ms.temperature }),
    ...(ms.maxTokens === undefined ? {} : { maxTokens: ms.maxTokens }),
    ...(ms.topP === undefined ? {} : { topP: ms.topP }),
    ...(ms.reasoningEffort === undefined ? {} : { reasoningEffort: ms.reasoningEffort }),
    ...(a.outputSchema
      ? {
          responseFormat: {
            type: 'json_schema' as const,
            name: `${a.name}_output`,
            schema: outputJsonSchema(a.outputSchema),
          },
        }
      : {}),
    metadata: { runId: host.init.runId, agent: a.name },
  };
}

async function consumeStream(host: ModelHost, client: LLMClient, req: LLMRequest): Promise<LLMResponse> {
  let response: LLMResponse | undefined;
  const toolInput = new ToolInputDeltas(host.rt.config.redactKeys);
  for await (const chunk of client.stream(req, { signal: host.signal })) {
    if (chunk.type === 'text_delta') host.publishDelta('text_delta', chunk.delta);
    else if (chunk.type === 'reasoning_delta') host.publishDelta('reasoning_delta', chunk.delta);
    else if (chunk.type === 'tool_call_delta') toolInput.publish(host, chunk);
    else if (chunk.type === 'completed') response = chunk.response;
  }
  if (!response)
    throw new AfkLLMError(
      'llm_bad_response',
      `${client.provider} stream ended without a completed response`,
      {
        retryable: true,
      },
    );
  return response;
}

const toolSpecCache = new WeakMap<Agent, LLMToolSpec[]>();
/** The tools offered to the model; agents are immutable, so computed once per agent. */
function toolSpecs(a: Agent): LLMToolSpec[] {
  let specs = toolSpecCache.get(a);
  if (!specs) {
    specs = [
      ...a.tools.map((t) => ({ name: t.name, description: t.description, parameters: t.parameters })),
      ...a.subagents.map((s) => ({
        name: s.name,
        description: s.description ?? `Delegate a task to the ${s.name} agent.`,
        parameters: SUBAGENT_PARAMETERS,
      })),
    ];
    toolSpecCache.set(a, specs);
  }
  return specs;
}

const schemaCache = new WeakMap<z.ZodType, Record<string, JSONValue>>();
function outputJsonSchema(schema: z.ZodType): Record<string, JSONValue> {
  let s = schemaCache.get(schema);
  if (!s) {
    s = z.toJSONSchema(schema, { unrepresentable: 'any' }) as Record<string, JSONValue>;
    delete s.$schema;
    schemaCache.set(schema, s);
  }
  return s;
}

/** The response as logged. Its tool calls come from `admitResponse`: ids unique, args JSON already. */
function normaliseResponse(r: LLMResponse, client: LLMClient): LLMResponse {
  return {
    text: r.text ?? '',
    toolCalls: r.toolCalls,
    finishReason: r.finishReason,
    usage: r.usage,
    model: r.model || client.model,
    ...(r.costUsd === undefined ? {} : { costUsd: r.costUsd }),
    ...(r.structured === undefined ? {} : { structured: toJSONValue(r.structured) }),
    ...(r.requestId === undefined ? {} : { requestId: r.requestId }),
    ...(r.reasoning === undefined ? {} : { reasoning: r.reasoning }),
  };
}

/**
 * The last `max` messages, never starting with orphaned tool results (providers reject a tool
 * message whose assistant call was cut off): a cut inside a tool batch moves back to include the
 * assistant message that made the calls, so the window may exceed `max` by that batch.
 */
export function windowMessages(messages: Message[], max: number | undefined): Message[] {
  if (max === undefined || messages.length <= max) return messages;
  let start = messages.length - max;
  while (start > 0 && messages[start]?.role === 'tool') start--;
  return messages.slice(start);
}
