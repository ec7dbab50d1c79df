import { TaskState } from '@a2a-js/sdk';
import { Agent } from '../agents/index.js';
import { AfkLLMError } from '../errors/index.js';
import {
  type LLMCallOptions,
  type LLMClient,
  type LLMRequest,
  type LLMResponse,
  type LLMStreamChunk,
  lastUserText,
} from '../llms/index.js';
import type { A2AClient } from './client.js';
import { stateName } from './parts.js';

/** Options of `a2aAgent`. */
export interface A2AAgentOptions {
  /** The subagent's name (the tool name the parent model sees). */
  name: string;
  /** Shown to the parent model. */
  description: string;
}

/**
 * The remote agent as a model: each call sends the task (the last user message) to the remote
 * agent and answers with its reply. A remote task that fails becomes a failed call (the child
 * run fails, and the parent sees a subagent error); one that needs input answers with the
 * remote agent's question and task id.
 */
class RemoteAgentModel implements LLMClient {
  readonly provider = 'a2a';
  readonly capabilities = { streaming: true, toolCalling: false, structuredOutput: false, reasoning: false };

  constructor(
    private readonly remote: A2AClient,
    readonly model: string,
  ) {}

  async chat(req: LLMRequest, opts: LLMCallOptions = {}): Promise<LLMResponse> {
    const task = lastUserText(req);
    let text: string;
    let state: TaskState | undefined;
    let taskId = '';
    try {
      const r = await this.remote.send(task, opts.signal ? { signal: opts.signal } : {});
      text = r.text;
      state = r.task?.status?.state;
      taskId = r.task?.id ?? '';
    } catch (e) {
      throw new AfkLLMError(
        'llm_unavailable',
        `remote A2A agent ${this.remote.url} failed: ${messageOf(e)}`,
        {
          cause: e,
        },
      );
    }
    if (state === TaskState.TASK_STATE_FAILED || state === TaskState.TASK_STATE_REJECTED) {
      throw new AfkLLMError('llm_error', `remote A2A task ${taskId} ${stateName(state)}: ${text}`);
    }
    if (state === TaskState.TASK_STATE_INPUT_REQUIRED || state === TaskState.TASK_STATE_AUTH_REQUIRED) {
      text = `[remote task ${taskId} is ${stateName(state)}] ${text}`;
    }
    return {
      text,
      toolCalls: [],
      finishReason: 'stop',
      usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
      model: this.model,
      ...(taskId ? { requestId: taskId } : {}),
    };
  }

  async *stream(req: LLMRequest, opts: LLMCallOptions = {}): AsyncIterable<LLMStreamChunk> {
    const response = await this.chat(req, opts);
    if (response.text) yield { type: 'text_delta', delta: response.text };
    yield { type: 'completed', response };
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Wraps a remote A2A agent as an AFK `Agent`, so it can be in another agent's `subagents`: the
 * parent delegates with a task, the call is a child run (in `subagentExecutions` and on the
 * timeline with its `agentPath`), and the remote answer is the child's final text. The remote
 * side's own tools and approvals stay remote.
 *
 * @example
 * const researcher = a2aAgent(new A2AClient({ url }), { name: 'researcher', description: 'Finds sources' });
 * const lead = new Agent({ name: 'lead', model: 'openai:gpt-4.1-mini', subagents: [researcher] });
 */
export function a2aAgent(client: A2AClient, opts: A2AAgentOptions): Agent {
  return new Agent({
    name: opts.name,
    description: opts.description,
    model: new RemoteAgentModel(client, `a2a:${client.url}`),
    instructions: `Remote A2A agent at ${client.url}.`,
    failSafe: { maxSteps: 1, maxLlmCalls: 1, maxToolCalls: 0 },
  });
}
