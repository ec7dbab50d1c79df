import type {
  Response,
  ResponseCreateParamsNonStreaming,
  ResponseInputItem,
  ResponseInputMessageContentList,
  ResponseStreamEvent,
} from 'openai/resources/responses/responses';
import { AfkLLMError } from '../../errors/index.js';
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
  isResponseShape,
  isStrictSchema,
  parseToolArgs,
  stringifyArgs,
  structuredFrom,
  usageFrom,
  type WireCapabilities,
  wireSchema,
  withSchemaInstruction,
} from './openai-shared.js';

/** How the Responses wire is spoken to one server. */
export interface ResponsesWireOptions {
  model: string;
  capabilities: WireCapabilities;
  parallelToolCalls: boolean | undefined;
}

function inputParts(content: ContentPart[]): ResponseInputMessageContentList {
  return content.map((p) =>
    p.type === 'text'
      ? { type: 'input_text', text: p.text }
      : { type: 'input_image', image_url: p.url, detail: p.detail ?? 'auto' },
  );
}

/** The neutral transcript as Responses input items (function calls and outputs by call id). */
export function toResponsesInput(req: LLMRequest, caps: WireCapabilities): ResponseInputItem[] {
  const messages = caps.structuredOutput ? req.messages : withSchemaInstruction(req);
  const items: ResponseInputItem[] = [];
  for (const m of messages) {
    if (m.role === 'assistant') {
      if (m.content) items.push({ role: 'assistant', content: m.content });
      for (const c of m.toolCalls ?? []) {
        items.push({ type: 'function_call', call_id: c.id, name: c.name, arguments: stringifyArgs(c.args) });
      }
    } else if (m.role === 'tool') {
      items.push({ type: 'function_call_output', call_id: m.toolCallId, output: m.content });
    } else if (m.role === 'system') {
      items.push({ role: 'system', content: contentText(m.content) });
    } else {
      items.push({
        role: 'user',
        content: typeof m.content === 'string' ? m.content : inputParts(m.content),
      });
    }
  }
  return items;
}

/** A neutral request as Responses parameters (stateless: `store: false`, full history sent). */
export function toResponsesParams(
  req: LLMRequest,
  o: ResponsesWireOptions,
): ResponseCreateParamsNonStreaming {
  const p: ResponseCreateParamsNonStreaming = {
    model: o.model,
    input: toResponsesInput(req, o.capabilities),
    store: false,
  };
  if (req.tools?.length) {
    p.tools = req.tools.map((t) => ({
      type: 'function',
      name: t.name,
      description: t.description,
      parameters: t.parameters,
      strict: false,
    }));
    if (o.parallelToolCalls !== undefined) p.parallel_tool_calls = o.parallelToolCalls;
    if (req.toolChoice !== undefined) {
      p.tool_choice =
        typeof req.toolChoice === 'string' ? req.toolChoice : { type: 'function', name: req.toolChoice.name };
    }
  }
  if (req.responseFormat && o.capabilities.structuredOutput) {
    const schema = wireSchema(req.responseFormat.schema);
    p.text = {
      format: { type: 'json_schema', name: req.responseFormat.name, schema, strict: isStrictSchema(schema) },
    };
  }
  if (req.maxTokens !== undefined) p.max_output_tokens = req.maxTokens;
  if (req.temperature !== undefined) p.temperature = req.temperature;
  if (req.topP !== undefined) p.top_p = req.topP;
  if (req.reasoningEffort !== undefined && o.capabilities.reasoning) {
    p.reasoning = { effort: req.reasoningEffort, summary: 'auto' };
  }
  return p;
}

/** A Responses API answer as a neutral response; a `failed` response throws. */
export function fromResponse(
  data: Response,
  req: LLMRequest,
  model: string,
  requestId: string | undefined,
  provider = 'openai',
): LLMResponse {
  if (!isResponseShape(data)) {
    throw badResponseError(provider, model, 'expected a response with an output array', data, requestId);
  }
  if (data.status === 'failed') {
    throw new AfkLLMError('llm_error', `response failed: ${data.error?.message ?? 'unknown error'}`, {
      retryable: data.error?.code === 'server_error' || data.error?.code === 'rate_limit_exceeded',
      provider: 'openai',
      model,
      ...(requestId ? { requestId } : {}),
    });
  }
  let text = '';
  let reasoning = '';
  let refused = false;
  const toolCalls: ToolCall[] = [];
  for (const item of data.output ?? []) {
    if (item.type === 'message') {
      for (const part of item.content) {
        if (part.type === 'output_text') text += part.text;
        else if (part.type === 'refusal') {
          text += part.refusal;
          refused = true;
        }
      }
    } else if (item.type === 'function_call') {
      toolCalls.push({ id: item.call_id, name: item.name, args: parseToolArgs(item.arguments) });
    } else if (item.type === 'reasoning') {
      reasoning += (item.summary ?? []).map((s) => s.text).join('\n');
    }
  }
  let finishReason: FinishReason = toolCalls.length ? 'tool_calls' : 'stop';
  if (data.status === 'incomplete') {
    finishReason = data.incomplete_details?.reason === 'content_filter' ? 'content_filter' : 'length';
  } else if (refused && !toolCalls.length) finishReason = 'content_filter';
  return {
    text,
    toolCalls,
    finishReason,
    usage: usageFrom(data.usage),
    model: data.model || model,
    ...structuredFrom(req, text),
    ...(requestId ? { requestId } : {}),
    ...(reasoning ? { reasoning } : {}),
  };
}

/** Turns Responses stream events into neutral chunks; `completed` carries the final response. */
export class ResponsesStreamAssembler {
  private readonly toolIndex = new Map<number, number>();
  done = false;

  constructor(
    private readonly req: LLMRequest,
    private readonly model: string,
  ) {}

  push(ev: ResponseStreamEvent, requestId: string | undefined): LLMStreamChunk[] {
    switch (ev.type) {
      case 'response.output_text.delta':
        return [{ type: 'text_delta', delta: ev.delta }];
      case 'response.reasoning_summary_text.delta':
      case 'response.reasoning_text.delta':
        return [{ type: 'reasoning_delta', delta: ev.delta }];
      case 'response.output_item.added': {
        if (ev.item.type !== 'function_call') return [];
        const index = this.toolIndex.size;
        this.toolIndex.set(ev.output_index, index);
        return [
          {
            type: 'tool_call_delta',
            index,
            id: ev.item.call_id,
            name: ev.item.name,
            argsDelta: ev.item.arguments ?? '',
          },
        ];
      }
      case 'response.function_call_arguments.delta': {
        const index = this.toolIndex.get(ev.output_index);
        return index === undefined ? [] : [{ type: 'tool_call_delta', index, argsDelta: ev.delta }];
      }
      case 'response.completed':
      case 'response.incomplete':
      case 'response.failed':
        this.done = true;
        return [{ type: 'completed', response: fromResponse(ev.response, this.req, this.model, requestId) }];
      case 'error':
        throw new AfkLLMError('llm_error', `stream error: ${ev.message}`, {
          retryable: ev.code === 'server_error' || ev.code === 'rate_limit_exceeded',
          provider: 'openai',
          model: this.model,
        });
      default:
        return [];
    }
  }
}
