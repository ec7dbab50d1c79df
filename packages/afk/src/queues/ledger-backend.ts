import { newId } from '../internal/ids.js';
import {
  type AttemptOutcome,
  type ConsumeOptions,
  type QueueBackend,
  type TaskConsumer,
  type TaskListFilter,
  TaskStopReason,
} from './backend.js';
import { type Claim, TaskLedger, type TaskTable } from './ledger.js';
import type { NewTask, TaskItem } from './task.js';

/** Timing of a ledger backend's consumers. */
export interface LedgerTiming {
  /** How long a claim lasts without renewal; a dead worker's task is taken over after it. */
  leaseTtlMs: number;
  /** Safety-net poll while idle (changes and due times wake consumers earlier). */
  pollIntervalMs: number;
}

/**
 * A backend on a `TaskLedger` (memory, Dexie): consumers claim due tasks in transactions, keep
 * their claims alive by renewal, and settle them with the claim token.
 */
export class LedgerBackend implements QueueBackend {
  readonly ledger: TaskLedger;
  private readonly cancelListeners = new Set<(id: string) => void>();

  constructor(
    readonly kind: string,
    table: TaskTable,
    private readonly timing: LedgerTiming,
  ) {
    this.ledger = new TaskLedger(table);
  }

  enqueue(task: NewTask): Promise<TaskItem> {
    return this.ledger.enqueue(task);
  }
  get(id: string): Promise<TaskItem | undefined> {
    return this.ledger.get(id);
  }
  list(filter?: TaskListFilter): Promise<TaskItem[]> {
    return this.ledger.list(filter);
  }
  async cancel(id: string): Promise<TaskItem> {
    const task = await this.ledger.cancel(id);
    if (task.status === 'cancelled') for (const l of this.cancelListeners) l(id);
    return task;
  }
  listDeadLetters(limit = 1000): Promise<TaskItem[]> {
    return this.ledger.list({ status: 'failed', limit });
  }
  redrive(id: string): Promise<TaskItem> {
    return this.ledger.redrive(id);
  }
  purge(ids?: string[]): Promise<number> {
    return this.ledger.purge(ids);
  }
  close(): Promise<void> {
    return this.ledger.table.close();
  }

  consume(opts: ConsumeOptions): TaskConsumer {
    const consumer = new LedgerConsumer(this.ledger, this.timing, opts);
    const onCancel = (id: string) => consumer.abortTask(id);
    this.cancelListeners.add(onCancel);
    consumer.stopped.then(() => this.cancelListeners.delete(onCancel));
    return consumer;
  }
}

interface Running {
  controller: AbortController;
  done: Promise<void>;
}

/** The claim loop of one worker on a ledger backend. */
class LedgerConsumer implements TaskConsumer {
  private readonly owner = newId('worker');
  private readonly running = new Map<string, Running>();
  private stopping = false;
  private wake: (() => void) | undefined;
  private pendingWake = false;
  private readonly unsubscribe: () => void;
  private readonly loop: Promise<void>;
  readonly stopped: Promise<void>;

  constructor(
    private readonly ledger: TaskLedger,
    private readonly timing: LedgerTiming,
    private readonly opts: ConsumeOptions,
  ) {
    this.unsubscribe = ledger.table.subscribe(() => this.poke());
    this.loop = this.run();
    this.stopped = this.loop;
  }

  abortTask(id: string): void {
    this.running.get(id)?.controller.abort(new TaskStopReason('cancelled'));
  }

  handBackAll(): void {
    for (const r of this.running.values()) r.controller.abort(new TaskStopReason('handed_back'));
  }

  async stop(opts: { handBack: boolean }): Promise<void> {
    this.stopping = true;
    if (opts.handBack) this.handBackAll();
    this.poke();
    await this.loop;
  }

  private poke(): void {
    this.pendingWake = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    try {
      while (!this.stopping) {
        this.pendingWake = false;
        const free = this.opts.concurrency - this.running.size;
        let claims: Claim[] = [];
        try {
          claims = await this.ledger.claim(this.owner, this.timing.leaseTtlMs, free);
        } catch {
          // A failing store (closed, quota): back off one poll interval, then try again.
        }
        if (this.stopping) {
          // Claimed while stop() was called: give them straight back.
          for (const c of claims) await this.ledger.settle(c.task.id, c.token, { kind: 'handed_back' });
          break;
        }
        for (const c of claims) this.start(c);
        if (claims.length && claims.length === free) continue;
        await this.idle(free - claims.length > 0);
      }
    } finally {
      this.unsubscribe();
      await Promise.all([...this.running.values()].map((r) => r.done));
    }
  }

  /** Waits for a change, a finished attempt, the next due time or the poll interval. */
  private async idle(canClaim: boolean): Promise<void> {
    if (this.pendingWake) return;
    let delay = this.timing.pollIntervalMs;
    if (canClaim) {
      const next = await this.ledger.nextDue().catch(() => undefined);
      if (next !== undefined) delay = Math.max(0, Math.min(delay, next - Date.now()));
    }
    if (this.pendingWake || this.stopping) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, delay);
      this.wake = done;
      function done() {
        clearTimeout(timer);
        resolve();
      }
    });
    this.wake = undefined;
  }

  private start(claim: Claim): void {
    const controller = new AbortController();
    const { task, token } = claim;
    const ttl = this.timing.leaseTtlMs;
    const renewal = setInterval(() => {
      this.ledger.renew(task.id, token, ttl).then(
        (ok) => {
          if (!ok) controller.abort(new TaskStopReason('claim_lost'));
        },
        () => undefined,
      );
    }, ttl / 3);
    this.report(task, 'started');
    const done = (async () => {
      let outcome: AttemptOutcome;
      try {
        outcome = await this.opts.execute({ task, signal: controller.signal });
      } catch (e) {
        outcome = {
          kind: 'failed',
          retryable: true,
          error: { code: 'internal', message: e instanceof Error ? e.message : String(e) },
        };
      } finally {
        clearInterval(renewal);
      }
      try {
        const settled = await this.ledger.settle(task.id, token, outcome);
        if (settled) this.report(settled.task, settled.transition);
      } catch {
        // The store failed: the claim expires and another worker takes the task over.
      }
    })().finally(() => {
      this.running.delete(task.id);
      this.poke();
    });
    this.running.set(task.id, { controller, done });
  }

  private report(task: TaskItem, transition: Parameters<ConsumeOptions['onTransition']>[1]): void {
    try {
      this.opts.onTransition(task, transition);
    } catch {
      // Callbacks never change a task's state.
    }
  }
}
