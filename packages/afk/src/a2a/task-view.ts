import { type Artifact, type Message, type Task, TaskState } from '@a2a-js/sdk';
import type { AgentResult, ApprovalRequest } from '../core/index.js';
import type { RunRecord } from '../memory/index.js';
import { dataPart, message, textPart } from './parts.js';

/**
 * How A2A tasks and AFK runs name each other. A task's run id is derived from the task id, so
 * any `A2AServer` whose runner reads the same store finds the run of a task it never saw (after a
 * restart, or behind a load balancer), with no map of its own to lose.
 *
 * @example
 * const record = await runner.store.getRun(runIdOfTask(task.id));
 */
export function runIdOfTask(taskId: string): string {
  return `a2a-${taskId}`;
}

/** The task id of a run started by an `A2AServer` (undefined for any other run). */
export function taskIdOfRun(runId: string): string | undefined {
  return runId.startsWith('a2a-') ? runId.slice(4) : undefined;
}

type Ids = { taskId: string; contextId: string };

/** The agent's message for a run paused on approvals (a text part, and the approvals as data). */
export function approvalMessage(approvals: ApprovalRequest[], ids: Ids): Message {
  const list = approvals.map((a) => `'${a.toolName}'${a.reason ? ` (${a.reason})` : ''}`).join(', ');
  return message(
    'agent',
    [
      textPart(
        `Approval needed for ${list}. Reply 'approve', 'reject: <reason>', or a data part { "decision": { "kind": "approve" } }.`,
      ),
      dataPart({ approvals: approvals.map(publicApproval) }),
    ],
    ids,
  );
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

/** The `answer` artifact of a finished run (its id is stable: one per task). */
export function answerArtifact(result: AgentResult, agentName: string, taskId: string): Artifact {
  const parts = [textPart(result.finalText)];
  if (result.finalStructured !== undefined) parts.push(dataPart(result.finalStructured));
  return {
    artifactId: `${taskId}-answer`,
    name: 'answer',
    description: `Answer of ${agentName}`,
    parts,
    metadata: { afkRunId: result.runId, afkThreadId: result.threadId, afkState: result.state },
    extensions: [],
  };
}

/** The task state and message a settled run maps to (`completed`/`degraded` → completed, ...). */
export function settledStatus(
  result: AgentResult,
  pendingApprovals: ApprovalRequest[],
  ids: Ids,
): { state: TaskState; message: Message } {
  switch (result.state) {
    case 'completed':
    case 'degraded':
      return {
        state: TaskState.TASK_STATE_COMPLETED,
        message: message('agent', [textPart(result.finalText)], ids),
      };
    case 'interrupted':
      if (pendingApprovals.length > 0)
        return {
          state: TaskState.TASK_STATE_INPUT_REQUIRED,
          message: approvalMessage(pendingApprovals, ids),
        };
      return {
        state: TaskState.TASK_STATE_FAILED,
        message: message('agent', [textPart('The run was interrupted.')], ids),
      };
    case 'cancelled':
      return {
        state: TaskState.TASK_STATE_CANCELED,
        message: message('agent', [textPart('The run was cancelled.')], ids),
      };
    default:
      return {
        state: TaskState.TASK_STATE_FAILED,
        message: message(
          'agent',
          [textPart(`The run failed: ${result.error?.message ?? result.state}`)],
          ids,
        ),
      };
  }
}

/**
 * The A2A task of a run, rebuilt from the run's record (for a task this server's task store never
 * held): its state, status message and answer artifact, and the first user message as history.
 */
export function taskOfRun(
  taskId: string,
  record: RunRecord,
  pendingApprovals: ApprovalRequest[],
  firstUserText: string | undefined,
  agentName: string,
): Task {
  const ids = { taskId, contextId: record.threadId };
  const at = new Date(record.updatedAt).toISOString();
  const history = firstUserText === undefined ? [] : [message('user', [textPart(firstUserText)], ids)];
  const base = { id: taskId, contextId: record.threadId, history, metadata: { afkRunId: record.runId } };
  if (!record.result || record.status === 'running' || record.status === 'paused') {
    return {
      ...base,
      status: { state: TaskState.TASK_STATE_WORKING, message: undefined, timestamp: at },
      artifacts: [],
    };
  }
  const status = settledStatus(record.result, pendingApprovals, ids);
  const done = status.state === TaskState.TASK_STATE_COMPLETED;
  return {
    ...base,
    status: { ...status, timestamp: at },
    artifacts: done ? [answerArtifact(record.result, agentName, taskId)] : [],
  };
}
