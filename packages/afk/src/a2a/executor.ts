import { type Message, TaskState } from '@a2a-js/sdk';
import {
  AgentEvent,
  type AgentExecutor,
  type ExecutionEventBus,
  type RequestContext,
} from '@a2a-js/sdk/server';
import type { Agent } from '../agents/index.js';
import type { AgentResult, AgentStreamHandle, Runner } from '../core/index.js';
import type { RunRecord } from '../memory/index.js';
import { decisionOf, message, partsText, submittedTask, textPart } from './parts.js';
import { answerArtifact, runIdOfTask, settledStatus } from './task-view.js';

/**
 * Maps A2A tasks onto AFK runs. A message starts a run of the agent (run id derived from the task
 * id, see `runIdOfTask`) on the thread of its context, so one context is one conversation. A run
 * paused for approval makes the task `input-required`, and the next message on the task decides
 * every pending approval (text `approve`, `reject: reason`, or a data part `{ decision }`) and
 * resumes the run. Cancelling the task cancels the run. Nothing lives only in this object: the
 * run (and whether it is paused) is read from the runner's store, so another executor over the
 * same store continues the task; only live stream handles (for cancel) are kept here.
 */
export class AfkAgentExecutor implements AgentExecutor {
  /** Runs executing in this process, by task id. */
  private readonly live = new Map<string, AgentStreamHandle>();

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
    const say = (state: TaskState, text: string) => status(state, message('agent', [textPart(text)], ids));
    try {
      const runId = runIdOfTask(taskId);
      const record = await this.runner.store.getRun(runId);
      let handle: AgentStreamHandle;
      if (record?.status === 'interrupted') {
        const pending = await this.runner.listApprovals({ runId, status: 'pending' });
        if (pending.length > 0) {
          const decision = decisionOf(incoming);
          if (!decision) {
            say(
              TaskState.TASK_STATE_INPUT_REQUIRED,
              "This task is waiting for an approval decision: reply 'approve' or 'reject: <reason>'.",
            );
            return;
          }
          try {
            for (const a of pending) await this.runner.decideApproval({ approvalId: a.id, decision });
          } catch (e) {
            say(
              TaskState.TASK_STATE_INPUT_REQUIRED,
              `That decision was refused: ${e instanceof Error ? e.message : String(e)}`,
            );
            return;
          }
        }
        handle = this.runner.resumeStream(this.agent, { runId, threadId: record.threadId });
      } else if (record) {
        // The task's run is executing (here or in another process) or already ended.
        say(
          record.result ? TaskState.TASK_STATE_FAILED : TaskState.TASK_STATE_WORKING,
          `Task ${taskId} already has a run (${record.status}); send a new message without taskId for a new task.`,
        );
        return;
      } else {
        handle = this.runner.runStream(this.agent, {
          runId,
          userMessage: partsText(incoming.parts),
          threadId: contextId,
        });
      }
      this.live.set(taskId, handle);
      try {
        status(TaskState.TASK_STATE_WORKING);
        for await (const ev of handle) {
          if (ev.type === 'tool_started' && ev.toolName) {
            say(TaskState.TASK_STATE_WORKING, `calling ${ev.toolName}`);
          }
        }
        const result = await handle.result;
        this.finish(result, ids, bus, status);
      } finally {
        this.live.delete(taskId);
      }
    } catch (e) {
      say(TaskState.TASK_STATE_FAILED, `AFK run failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      bus.finished();
    }
  };

  cancelTask = async (taskId: string, bus: ExecutionEventBus): Promise<void> => {
    const handle = this.live.get(taskId);
    if (handle) {
      // The executing `execute` publishes the final `canceled` state when the run ends.
      handle.cancel();
      return;
    }
    const record = await this.cancelPausedRun(taskId);
    bus.publish(
      AgentEvent.statusUpdate({
        taskId,
        contextId: record?.threadId ?? '',
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

  /**
   * Cancels the task's run when it is paused (no execution is live): the SDK marks such a task
   * `canceled` without calling the executor, so the server calls this first. Returns the record.
   */
  async cancelPausedRun(taskId: string): Promise<RunRecord | undefined> {
    const runId = runIdOfTask(taskId);
    const record = await this.runner.store.getRun(runId);
    if (record?.status !== 'interrupted' || this.live.has(taskId)) return record;
    // A resume whose signal is already aborted ends the paused run as `cancelled`.
    const result = await this.runner
      .resume(this.agent, { runId, threadId: record.threadId, signal: AbortSignal.abort() })
      .catch(() => undefined);
    return result ? { ...record, status: result.state } : record;
  }

  private finish(
    result: AgentResult,
    ids: { taskId: string; contextId: string },
    bus: ExecutionEventBus,
    status: (state: TaskState, msg?: Message) => void,
  ): void {
    if (result.state === 'completed' || result.state === 'degraded') {
      bus.publish(
        AgentEvent.artifactUpdate({
          ...ids,
          artifact: answerArtifact(result, this.agent.name, ids.taskId),
          append: false,
          lastChunk: true,
          metadata: {},
        }),
      );
    }
    const s = settledStatus(result, result.pending?.approvals ?? [], ids);
    status(s.state, s.message);
  }
}
