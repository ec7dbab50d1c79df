import { type Message, type Part, Role, type Task, TaskState } from '@a2a-js/sdk';
import type { ApprovalDecision } from '../core/index.js';

/** A text part. */
export function textPart(text: string): Part {
  return {
    content: { $case: 'text', value: text },
    metadata: undefined,
    filename: '',
    mediaType: 'text/plain',
  };
}

/** A data (JSON) part. */
export function dataPart(value: unknown): Part {
  return {
    content: { $case: 'data', value },
    metadata: undefined,
    filename: '',
    mediaType: 'application/json',
  };
}

/** The text of a message's (or artifact's) text parts, joined by newlines. */
export function partsText(parts: readonly Part[] | undefined): string {
  return (parts ?? [])
    .map((p) => (p.content?.$case === 'text' ? p.content.value : ''))
    .filter((t) => t.length > 0)
    .join('\n');
}

/** The values of a message's data parts. */
export function partsData(parts: readonly Part[] | undefined): unknown[] {
  return (parts ?? []).flatMap((p) => (p.content?.$case === 'data' ? [p.content.value] : []));
}

/** A message with the given role and parts. */
export function message(
  role: 'user' | 'agent',
  parts: Part[],
  ids: { taskId?: string; contextId?: string } = {},
): Message {
  return {
    messageId: crypto.randomUUID(),
    contextId: ids.contextId ?? '',
    taskId: ids.taskId ?? '',
    role: role === 'user' ? Role.ROLE_USER : Role.ROLE_AGENT,
    parts,
    metadata: {},
    extensions: [],
    referenceTaskIds: [],
  };
}

/** A fresh task in `submitted` state holding the first message. */
export function submittedTask(taskId: string, contextId: string, first: Message): Task {
  return {
    id: taskId,
    contextId,
    status: {
      state: TaskState.TASK_STATE_SUBMITTED,
      message: undefined,
      timestamp: new Date().toISOString(),
    },
    artifacts: [],
    history: [first],
    metadata: {},
  };
}

/** The answer text of a task: its artifacts' text, else its status message's. */
export function taskText(task: Task): string {
  const fromArtifacts = task.artifacts.map((a) => partsText(a.parts)).filter((t) => t.length > 0);
  if (fromArtifacts.length > 0) return fromArtifacts.join('\n');
  return partsText(task.status?.message?.parts);
}

/**
 * Reads an approval decision from a message: a data part `{ decision: { kind, ... } }`, or the
 * text `approve` / `reject` / `reject: <reason>`. Undefined when the message is not a decision.
 */
export function decisionOf(msg: Message): ApprovalDecision | undefined {
  for (const d of partsData(msg.parts)) {
    if (typeof d === 'object' && d !== null && 'decision' in d) {
      const decision = (d as { decision: unknown }).decision;
      if (typeof decision === 'object' && decision !== null) return decision as ApprovalDecision;
    }
  }
  const text = partsText(msg.parts).trim();
  if (/^approve[.!]?$/i.test(text)) return { kind: 'approve' };
  const reject = /^reject(?:\s*:\s*([\s\S]*))?$/i.exec(text);
  if (reject) {
    const reason = reject[1]?.trim();
    return reason ? { kind: 'reject', reason } : { kind: 'reject' };
  }
  return undefined;
}

/** Wire name of a task state, lower-case as in the spec (`input-required`). */
export function stateName(state: TaskState | undefined): string {
  switch (state) {
    case TaskState.TASK_STATE_SUBMITTED:
      return 'submitted';
    case TaskState.TASK_STATE_WORKING:
      return 'working';
    case TaskState.TASK_STATE_COMPLETED:
      return 'completed';
    case TaskState.TASK_STATE_FAILED:
      return 'failed';
    case TaskState.TASK_STATE_CANCELED:
      return 'canceled';
    case TaskState.TASK_STATE_INPUT_REQUIRED:
      return 'input-required';
    case TaskState.TASK_STATE_REJECTED:
      return 'rejected';
    case TaskState.TASK_STATE_AUTH_REQUIRED:
      return 'auth-required';
    default:
      return 'unknown';
  }
}
