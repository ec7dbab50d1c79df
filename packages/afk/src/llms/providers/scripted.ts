import { AfkLLMError } from '../../errors/index.js';
import { sleep, throwIfAborted } from '../../internal/abort.js';
import { newId } from '../../internal/ids.js';
import { classifyStatus } from '../errors.js';
import type {
  FinishReason,
  LLMCallOptions,
  LLMClient,
  LLMRequest,
  LLMResponse,
  LLMStreamChunk,
  LLMUsage,
} from '../types.js';
import { contentText } from '../types.js';

/** One scripted model turn. */
export interface ScriptedTurn {
  text?: string;
  toolCalls?: Array<{ id?: string; name: string; args?: unknown }>;
  /** Streamed as these exact deltas (overrides `streamChunkSize`). */
  deltas?: string[];
  reasoning?: string;
  structured?: unknown;
  usage?: Partial<LLMUsage>;
  costUsd?: number;
  finishReason?: FinishReason;
  /** Latency of this turn, overriding the script's `delayMs`. */
  delayMs?: number;
  /** Inject a provider error instead of answering. */
  error?: { status?: number; message?: string; code?: string; retryAfterMs?: number };
}

export type ScriptedFn = (req: LLMRequest, callIndex: number) => ScriptedTurn | Promise<ScriptedTurn>;

/** A rule keyed on the conversation: the first rule whose `when` matches answers. */
export interface ScriptedRule {
  when: (req: LLMRequest, callIndex: number) => boolean;
  turn: ScriptedTurn | ScriptedFn;
}

export interface ScriptedOptions {
  /** Model id reported in responses (default 'scripted'). */
  model?: string;
  /** Keep every request in `requests` for assertions (default true; benchmarks turn it off). */
  keepRequests?: boolean;
  /** Split streamed text into chunks of this many characters (default: one chunk). */
  streamChunkSize?: number;
  /** Latency per turn; also spread between stream chunks. Aborts through the signal. */
  delayMs?: number;
  /** What happens after the last listed turn: repeat the last one, or fail (default 'error'). */
  onExhausted?: 'repeat_last' | 'error';
}

/** A scripted client that also exposes what it was asked, for assertions. */
export interface ScriptedClient extends LLMClient {
  /** Every request received, in order. */
  readonly requests: LLMRequest[];
  /** Number of calls made so far. */
  readonly calls: number;
}

/**
 * The deterministic model for demos and tests: answers from a list of turns (one per call), a
 * function of the request, or rules keyed on the conversation. Streams text in chunks, emits
 * tool calls with generated ids, reports usage (estimated from characters when not given), and
 * can inject provider errors. Honours the AbortSignal during its delay.
 *
 * @example
 * const model = scripted([{ toolCalls: [{ name: 'add', args: { a: 1, b: 2 } }] }, { text: 'final answer' }]);
 * const agent = new Agent({ name: 'calc', model, tools: [add] });
 */
export function scripted(
  script: ScriptedTurn[] | ScriptedFn | ScriptedRule[],
  options: ScriptedOptions = {},
): ScriptedClient {
  const model = options.model ?? 'scripted';
  const requests: LLMRequest[] = [];
  let calls = 0;

  const pick = async (req: LLMRequest, index: number): Promise<ScriptedTurn> => {
    if (typeof script === 'function') return script(req, index);
    if (script.length > 0 && isRule(script[0])) {
      for (const rule of script as ScriptedRule[]) {
        if (rule.when(req, index)) return typeof rule.turn === 'function' ? rule.turn(req, index) : rule.turn;
      }
      throw new AfkLLMError('llm_error', `scripted model: no rule matched call #${index}`, {
        provider: 'scripted',
      });
    }
    const turns = script as ScriptedTurn[];
    const turn =
      turns[index] ?? (options.onExhausted === 'repeat_last' ? turns[turns.length - 1] : undefined);
    if (!turn) {
      throw new AfkLLMError('llm_error', `scripted model: script exhausted after ${turns.length} turn(s)`, {
        provider: 'scripted',
      });
    }
    return turn;
  };

  const begin = async (req: LLMRequest, signal: AbortSignal | undefined) => {
    throwIfAborted(signal);
    const index = calls++;
    if (options.keepRequests !== false) requests.push(req);
    const turn = await pick(req, index);
    if (turn.error) {
      const status = turn.error.status;
      const cls = classifyStatus(status);
      throw new AfkLLMError(cls.code, turn.error.message ?? `scripted error ${status ?? ''}`.trim(), {
        ...(status === undefined ? {} : { status }),
        retryable: cls.retryable,
        ...(turn.error.retryAfterMs === undefined ? {} : { retryAfterMs: turn.error.retryAfterMs }),
        provider: 'scripted',
        model,
      });
    }
    return { turn, response: toResponse(req, turn, model, index) };
  };

  const client: ScriptedClient = {
    provider: 'scripted',
    model,
    capabilities: { streaming: true, toolCalling: true, structuredOutput: true, reasoning: true },
    get requests() {
      return requests;
    },
    get calls() {
      return calls;
    },
    async chat(req: LLMRequest, opts?: LLMCallOptions): Promise<LLMResponse> {
      const { turn, response } = await begin(req, opts?.signal);
      const delay = turn.delayMs ?? options.delayMs ?? 0;
      if (delay > 0) await sleep(delay, opts?.signal);
      return response;
    },
    async *stream(req: LLMRequest, opts?: LLMCallOptions): AsyncIterable<LLMStreamChunk> {
      const signal = opts?.signal;
      const { turn, response } = await begin(req, signal);
      const deltas = turn.deltas ?? chunk(response.text, options.streamChunkSize);
      const delay = turn.delayMs ?? options.delayMs ?? 0;
      const pieces = Math.max(1, deltas.length + response.toolCalls.length);
      const each = delay > 0 ? delay / pieces : 0;
      if (turn.reasoning) yield { type: 'reasoning_delta', delta: turn.reasoning };
      for (const delta of deltas) {
        if (each > 0) await sleep(each, signal);
        else throwIfAborted(signal);
        yield { type: 'text_delta', delta };
      }
      for (const [index, call] of response.toolCalls.entries()) {
        if (each > 0) await sleep(each, signal);
        yield {
          type: 'tool_call_delta',
          index,
          id: call.id,
          name: call.name,
          argsDelta: JSON.stringify(call.args),
        };
      }
      if (delay > 0 && deltas.length === 0 && response.toolCalls.length === 0) await sleep(delay, signal);
      yield { type: 'completed', response };
    },
  };
  return client;
}

// Generated call ids: unique per process without a random draw per call.
const CALL_PREFIX = newId('s').slice(2, 8);
let callCounter = 0;

// The transcript only grows and its message objects are shared between requests, so the running
// total up to each message is remembered: estimating usage costs O(new messages) per call, not
// O(thread). (A changed system prompt before a remembered message shifts the estimate slightly.)
const cumulativeChars = new WeakMap<object, number>();
function promptChars(req: LLMRequest): number {
  const msgs = req.messages;
  let i = msgs.length - 1;
  let base = 0;
  for (; i >= 0; i--) {
    const known = cumulativeChars.get(msgs[i]!);
    if (known !== undefined) {
      base = known;
      break;
    }
  }
  let total = base;
  for (let j = i + 1; j < msgs.length; j++) {
    const m = msgs[j]!;
    total += m.role === 'tool' || m.role === 'assistant' ? m.content.length : contentText(m.content).length;
    cumulativeChars.set(m, total);
  }
  return total;
}

function isRule(x: unknown): x is ScriptedRule {
  return typeof x === 'object' && x !== null && typeof (x as ScriptedRule).when === 'function';
}

function chunk(text: string, size: number | undefined): string[] {
  if (!text) return [];
  if (!size || size <= 0 || size >= text.length) return [text];
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function toResponse(req: LLMRequest, turn: ScriptedTurn, model: string, index: number): LLMResponse {
  const toolCalls = (turn.toolCalls ?? []).map((c, i) => ({
    id: c.id ?? `call_${CALL_PREFIX}_${index}_${i}_${(callCounter++).toString(36)}`,
    name: c.name,
    args: c.args ?? {},
  }));
  const text = turn.text ?? (turn.structured !== undefined ? JSON.stringify(turn.structured) : '');
  // Usage estimated at ~4 chars per token when the script does not say.
  const inputTokens = turn.usage?.inputTokens ?? Math.ceil(promptChars(req) / 4);
  const outputTokens =
    turn.usage?.outputTokens ??
    Math.ceil(
      (text.length + JSON.stringify(toolCalls.map((c) => c.args)).length * (toolCalls.length ? 1 : 0)) / 4,
    );
  const usage: LLMUsage = {
    inputTokens,
    outputTokens,
    totalTokens: turn.usage?.totalTokens ?? inputTokens + outputTokens,
    ...(turn.usage?.cachedInputTokens === undefined
      ? {}
      : { cachedInputTokens: turn.usage.cachedInputTokens }),
  };
  return {
    text,
    toolCalls,
    finishReason: turn.finishReason ?? (toolCalls.length ? 'tool_calls' : 'stop'),
    usage,
    model,
    ...(turn.costUsd === undefined ? {} : { costUsd: turn.costUsd }),
    ...(turn.structured === undefined ? {} : { structured: turn.structured }),
    ...(turn.reasoning === undefined ? {} : { reasoning: turn.reasoning }),
  };
}
