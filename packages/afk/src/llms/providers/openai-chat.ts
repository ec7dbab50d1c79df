import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionContentPart,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import type {
  ContentPart,
  FinishReason,
  LLMRequest,
  LLMResponse,
  LLMStreamChunk,
  ToolCall,
} from '../types.js';
import { contentText } from '../types.js';
import {
  badResponseError,
  isChatCompletionShape,
  isStrictSchema,
  parseToolArgs,
  stringifyArgs,
  structuredFrom,
  usageFrom,
  type WireCapabilities,
  wireSchema,
  withSchemaInstruction,
} from './openai-shared.js';

/** How the Chat Completions wire is spoken to one server. */
export interface ChatWireOptions {
  model: string;
  capabilities: WireCapabilities;
  /** `max_completion_tokens` (OpenAI) or the older `max_tokens` (most compatible servers). */
  tokenParam: 'max_completion_tokens' | 'max_tokens';
  parallelToolCalls: boolean | undefined;
}

function parts(content: ContentPart[]): ChatCompletionContentPart[] {
  return content.map((p) =>
    p.type === 'text'
      ? { type: 'text', text: p.text }
      : { type: 'image_url', image_url: { url: p.url, ...(p.detail ? { detail: p.detail } : {}) } },
  );
}

/** The neutral transcript as Chat Completions messages (tool calls native, keyed by call id). */
export function toChatMessages(req: LLMRequest, caps: WireCapabilities): ChatCompletionMessageParam[] {
  const messages = caps.structuredOutput ? req.messages : withSchemaInstruction(req);
  return messages.map((m): ChatCompletionMessageParam => {
    switch (m.role) {
      case 'system':
        return { role: 'system', content: contentText(m.content) };
      case 'user':
        return { role: 'user', content: typeof m.content === 'string' ? m.content : parts(m.content) };
      case 'assistant':
        return {
          role: 'assistant',
          content: m.content || (m.toolCalls?.length ? null : ''),
          ...(m.toolCalls?.length
            ? {
                tool_calls: m.toolCalls.map((c) => ({
                  id: c.id,
                  type: 'function' as const,
                  function: { name: c.name, arguments: stringifyArgs(c.args) },
                })),
              }
            : {}),
        };
      default:
        return { role: 'tool', tool_call_id: m.toolCallId, content: m.content };
    }
  });
}

/** A neutral request as Chat Completions parameters (without `stream`). */
export function toChatParams(req: LLMRequest, o: ChatWireOptions): ChatCompletionCreateParamsNonStreaming {
  const p: ChatCompletionCreateParamsNonStreaming = {
    model: o.model,
    messages: toChatMessages(req, o.capabilities),
  };
  if (req.tools?.length) {
    p.tools = req.tools.map((t) => ({
      type: 'function',
      function: { name: t.name, description: t.description, parameters: t.parameters },
    }));
    if (o.parallelToolCalls !== undefined) p.parallel_tool_calls = o.parallelToolCalls;
  }
  if (req.toolChoice !== undefined && req.tools?.length) {
    p.tool_choice =
      typeof req.toolChoice === 'string'
        ? req.toolChoice
        : { type: 'function', function: { name: req.toolChoice.name } };
  }
  if (req.responseFormat && o.capabilities.structuredOutput) {
    const schema = wireSchema(req.responseFormat.schema);
    p.response_format = {
      type: 'json_schema',
      json_schema: { name: req.responseFormat.name, schema, strict: isStrictSchema(schema) },
    };
  }
  if (req.maxTokens !== undefined) p[o.tokenParam] = req.maxTokens;
  if (req.temperature !== undefined) p.temperature = req.temperature;
  if (req.topP !== undefined) p.top_p = req.topP;
  if (req.reasoningEffort !== undefined && o.capabilities.reasoning) p.reasoning_effort = req.reasoningEffort;
  return p;
}

export function mapFinish(reason: string | null | undefined, hasToolCalls: boolean): FinishReason {
  if (hasToolCalls) return 'tool_calls';
  switch (reason) {
    case 'length':
      return 'length';
    case 'content_filter':
      return 'content_filter';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    default:
      return 'stop';
  }
}

/** Some compatible servers (vLLM, DeepSeek, llama.cpp) put reasoning text beside the content. */
type WithReasoning = { reasoning_content?: string | null; reasoning?: string | null };

/** A Chat Completions answer as a neutral response. */
export function fromChatCompletion(
  data: ChatCompletion,
  req: LLMRequest,
  model: string,
  requestId: string | undefined,
  provider = 'openai',
): LLMResponse {
  if (!isChatCompletionShape(data)) {
    throw badResponseError(
      provider,
      model,
      'expected a chat completion with choices[0].message',
      data,
      requestId,
    );
  }
  const choice = data.choices[0];
  const msg = choice?.message;
  const toolCalls: ToolCall[] = [];
  for (const c of msg?.tool_calls ?? []) {
    if (c.type === 'function')
      toolCalls.push({ id: c.id, name: c.function.name, args: parseToolArgs(c.function.arguments) });
  }
  const refusal = msg?.refusal ?? undefined;
  const text = msg?.content ?? refusal ?? '';
  const extra = (msg ?? {}) as WithReasoning;
  const reasoning = extra.reasoning_content ?? extra.reasoning ?? undefined;
  return {
    text,
    toolCalls,
    finishReason:
      refusal && !msg?.content ? 'content_filter' : mapFinish(choice?.finish_reason, toolCalls.length > 0),
    usage: usageFrom(data.usage),
    model: data.model || model,
    ...structuredFrom(req, text),
    ...(requestId ? { requestId } : {}),
    ...(reasoning ? { reasoning } : {}),
  };
}

/** Turns Chat Completions chunks into neutral stream chunks and assembles the final response. */
export class ChatStreamAssembler {
  private text = '';
  private reasoning = '';
  private finish: string | null | undefined;
  private model: string | undefined;
  private usage: ChatCompletionChunk['usage'];
  private readonly calls = new Map<number, { id: string; name: string; args: string }>();

  constructor(
    private readonly req: LLMRequest,
    private readonly fallbackModel: string,
  ) {}

  push(chunk: ChatCompletionChunk): LLMStreamChunk[] {
    const out: LLMStreamChunk[] = [];
    if (chunk.model) this.model = chunk.model;
    if (chunk.usage) this.usage = chunk.usage;
    const choice = chunk.choices[0];
    if (!choice) return out;
    if (choice.finish_reason) this.finish = choice.finish_reason;
    const delta = choice.delta as ChatCompletionChunk.Choice.Delta & WithReasoning;
    const reasoning = delta.reasoning_content ?? delta.reasoning;
    if (reasoning) {
      this.reasoning += reasoning;
      out.push({ type: 'reasoning_delta', delta: reasoning });
    }
    if (delta.content) {
      this.text += delta.content;
      out.push({ type: 'text_delta', delta: delta.content });
    }
    for (const tc of delta.tool_calls ?? []) {
      const call = this.calls.get(tc.index) ?? { id: '', name: '', args: '' };
      if (tc.id) call.id = tc.id;
      if (tc.function?.name) call.name += tc.function.name;
      const argsDelta = tc.function?.arguments ?? '';
      call.args += argsDelta;
      this.calls.set(tc.index, call);
      out.push({
        type: 'tool_call_delta',
        index: tc.index,
        ...(tc.id ? { id: tc.id } : {}),
        ...(tc.function?.name ? { name: tc.function.name } : {}),
        argsDelta,
      });
    }
    return out;
  }

  /** True once a choice carried a finish reason: the answer is complete. */
  get finished(): boolean {
    return this.finish !== undefined && this.finish !== null;
  }

  response(requestId: string | undefined): LLMResponse {
    const toolCalls = [...this.calls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([i, c]) => ({ id: c.id || `call_${i}`, name: c.name, args: parseToolArgs(c.args) }));
    return {
      text: this.text,
      toolCalls,
      finishReason: mapFinish(this.finish, toolCalls.length > 0),
      usage: usageFrom(this.usage),
      model: this.model || this.fallbackModel,
      ...structuredFrom(this.req, this.text),
      ...(requestId ? { requestId } : {}),
      ...(this.reasoning ? { reasoning: this.reasoning } : {}),
    };
  }
}
