import { type Message, TaskState } from '@a2a-js/sdk';
import {
  AgentEvent,
  type AgentExecutor,
  type ExecutionEventBus,
  type RequestContext,
} from '@a2a-js/sdk/server';
import type { Agent } from '../agents/index.js';
import type { AgentResult, AgentStreamHandle, ApprovalRequest, Runner } from '../core/index.js';
import { dataPart, decisionOf, message, partsText, submittedTask, textPart } from './parts.js';

/** The AFK run behind one A2A task. */
interface TaskRun {
  runId: string;
  threadId: string;
  contextId: string;
  handle: AgentStreamHandle | undefined;
  /** The run is paused for approval: the next message on the task decides. */
  paused: boolean;
}

const MAX_TASKS = 10_000;

/**
 * Maps A2A tasks onto AFK runs. A message starts a run on the thread of its context (so one
 * context is one conversation); a run paused for approval makes the task `input-required`, and
 * the next message on the task decides every pending approval (text `approve`, `reject: reason`,
 * or a data part `{ decision }`) and resumes the run. Cancelling the task cancels the run.
 */
export class AfkAgentExecutor implements AgentExecutor {
  private readonly runs = new Map<string, TaskRun>();

  constructor(
    private readonly agent: Agent,
    private readonly runner: Runner,
  ) {}

  execute = async (ctx: RequestContext, bus: ExecutionEventBus): Promise<void> => {
    const { taskId, contextId } = ctx;
    const incoming = ctx.userMessage;
    bus.publish(AgentEvent.task(ctx.task ?? submittedTask(taskId, contextId, incoming)));
    const ids = { taskId, contextId };
    const status = (state: TaskState, msg?: Message) =>
      bus.publish(
        AgentEvent.statusUpdate({
          taskId,
          contextId,
          status: { state, message: msg, timestamp: new Date().toISOString() },
          metadata: {},
        }),
      );
    try {
      const prior = this.runs.get(taskId);
      let handle: AgentStreamHandle;
      if (prior?.paused) {
        const decision = decisionOf(incoming);
        if (!decision) {
          status(
            TaskState.TASK_STATE_INPUT_REQUIRED,
            message(
              'agent',
              [
                textPart(
                  "This task is waiting for an approval decision: reply 'approve' or 'reject: <reason>'.",
                ),
              ],
              ids,
            ),
          );
          return;
        }
        const pending = await this.runner.listApprovals({ runId: prior.runId, status: 'pending' });
        try {
          for (const a of pending) await this.runner.decideApproval({ approvalId: a.id, decision });
        } catch (e) {
          status(
            TaskState.TASK_STATE_INPUT_REQUIRED,
            message(
              'agent',
              [textPart(`That decision was refused: ${e instanceof Error ? e.message : String(e)}`)],
              ids,
            ),
          );
          return;
        }
        handle = this.runner.resumeStream(this.agent, { runId: prior.runId, threadId: prior.threadId });
      } else {
        handle = this.runner.runStream(this.agent, {
          userMessage: partsText(incoming.parts),
          threadId: contextId,
        });
      }
      const run: TaskRun = {
        runId: handle.runId,
        threadId: handle.threadId,
        contextId,
        handle,
        paused: false,
      };
      this.remember(taskId, run);
      status(TaskState.TASK_STATE_WORKING);
      for await (const ev of handle) {
        if (ev.type === 'tool_started' && ev.toolName) {
          status(TaskState.TASK_STATE_WORKING, message('agent', [textPart(`calling ${ev.toolName}`)], ids));
        }
      }
      const result = await handle.result;
      run.handle = undefined;
      this.finish(result, run, ids, bus, status);
    } catch (e) {
      status(
        TaskState.TASK_STATE_FAILED,
        message('agent', [textPart(`AFK run failed: ${e instanceof Error ? e.message : String(e)}`)], ids),
      );
    } finally {
      bus.finished();
    }
  };

  cancelTask = async (taskId: string, bus: ExecutionEventBus): Promise<void> => {
    const run = this.runs.get(taskId);
    if (run?.handle) {
      // The executing `execute` publishes the final `canceled` state when the run ends.
      run.handle.cancel();
      return;
    }
    if (run?.paused) {
      // A paused run has no live execution: cancel it through a resume that is cancelled at once.
      run.paused = false;
      const handle = this.runner.resumeStream(this.agent, { runId: run.runId, threadId: run.threadId });
      handle.cancel();
      await handle.result.catch(() => undefined);
    }
    bus.publish(
      AgentEvent.statusUpdate({
        taskId,
        contextId: run?.contextId ?? '',
        status: {
          state: TaskState.TASK_STATE_CANCELED,
          message: undefined,
          timestamp: new Date().toISOString(),
        },
        metadata: {},
      }),
    );
    bus.finished();
  };

  private remember(taskId: string, run: TaskRun): void {
    if (!this.runs.has(taskId) && this.runs.size >= MAX_TASKS) {
      for (const [id, r] of this.runs) {
        if (!r.handle && !r.paused) {
          this.runs.delete(id);
          break;
        }
      }
    }
    this.runs.set(taskId, run);
  }

  private finish(
    result: AgentResult,
    run: TaskRun,
    ids: { taskId: string; contextId: string },
    bus: ExecutionEventBus,
    status: (state: TaskState, msg?: Message) => void,
  ): void {
    const meta = { afkRunId: result.runId, afkThreadId: result.threadId, afkState: result.state };
    switch (result.state) {
      case 'completed':
      case 'degraded': {
        const parts = [textPart(result.finalText)];
        if (result.finalStructured !== undefined) parts.push(dataPart(result.finalStructured));
        bus.publish(
          AgentEvent.artifactUpdate({
            ...ids,
            artifact: {
              artifactId: crypto.randomUUID(),
              name: 'answer',
              description: `Answer of ${this.agent.name}`,
              parts,
              metadata: meta,
              extensions: [],
            },
            append: false,
            lastChunk: true,
            metadata: {},
          }),
        );
        status(TaskState.TASK_STATE_COMPLETED, message('agent', [textPart(result.finalText)], ids));
        return;
      }
      case 'interrupted': {
        const approvals = result.pending?.approvals ?? [];
        if (approvals.length === 0) {
          status(TaskState.TASK_STATE_FAILED, message('agent', [textPart('The run was interrupted.')], ids));
          return;
        }
        run.paused = true;
        status(
          TaskState.TASK_STATE_INPUT_REQUIRED,
          message(
            'agent',
            [textPart(approvalText(approvals)), dataPart({ approvals: approvals.map(publicApproval) })],
            ids,
          ),
        );
        return;
      }
      case 'cancelled':
        status(TaskState.TASK_STATE_CANCELED, message('agent', [textPart('The run was cancelled.')], ids));
        return;
      default:
        status(
          TaskState.TASK_STATE_FAILED,
          message('agent', [textPart(`The run failed: ${result.error?.message ?? result.state}`)], ids),
        );
    }
  }
}

function approvalText(approvals: ApprovalRequest[]): string {
  const list = approvals.map((a) => `'${a.toolName}'${a.reason ? ` (${a.reason})` : ''}`).join(', ');
  return `Approval needed for ${list}. Reply 'approve', 'reject: <reason>', or a data part { "decision": { "kind": "approve" } }.`;
}

function publicApproval(a: ApprovalRequest) {
  return {
    id: a.id,
    toolName: a.toolName,
    args: a.args,
    agentPath: a.agentPath,
    allowedDecisions: a.allowedDecisions,
    ...(a.reason ? { reason: a.reason } : {}),
  };
}
