import type { ListTasksRequest, ListTasksResponse, Task } from '@a2a-js/sdk';
import type { TaskStore } from '@a2a-js/sdk/server';
import type { Runner } from '../core/index.js';
import { runIdOfTask, taskOfRun } from './task-view.js';

type CallContext = Parameters<TaskStore['load']>[1];

/**
 * The task store of an `A2AServer`: tasks this server saved come from `inner` (the SDK's
 * `InMemoryTaskStore` unless you pass your own); any other task is rebuilt from its AFK run in the
 * runner's store (see `runIdOfTask`). So a restarted server, or a second one over the same store,
 * answers `GetTask` for an old task and continues an `input-required` one.
 */
export class RunTaskStore implements TaskStore {
  constructor(
    private readonly inner: TaskStore,
    private readonly runner: Runner,
    private readonly agentName: string,
  ) {}

  save(task: Task, context: CallContext): Promise<void> {
    return this.inner.save(task, context);
  }

  async load(taskId: string, context: CallContext): Promise<Task | undefined> {
    const held = await this.inner.load(taskId, context);
    if (held) return held;
    return this.fromRun(taskId);
  }

  list(params: ListTasksRequest, context: CallContext): Promise<ListTasksResponse> {
    return this.inner.list(params, context);
  }

  private async fromRun(taskId: string): Promise<Task | undefined> {
    if (taskId.length === 0 || taskId.length > 200) return undefined;
    const runId = runIdOfTask(taskId);
    const record = await this.runner.store.getRun(runId);
    if (!record) return undefined;
    const pending =
      record.status === 'interrupted' ? await this.runner.listApprovals({ runId, status: 'pending' }) : [];
    const [first] = await this.runner.store.readEvents(runId, { limit: 1 });
    let firstUserText: string | undefined;
    if (first?.type === 'run_started') {
      const data = first.data as { input: Array<{ role: string; content: unknown }> };
      const user = data.input.find((m) => m.role === 'user');
      if (user && typeof user.content === 'string') firstUserText = user.content;
    }
    return taskOfRun(taskId, record, pending, firstUserText, this.agentName);
  }
}
