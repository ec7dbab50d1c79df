/**
 * One SDK's version of the runner-overhead workload: a zero-latency model that asks for one no-op
 * tool call per step, `n` times, then answers with text. `prepare` builds everything (model, agent,
 * runner, store) outside the timed region; only `run` is timed; `verify` checks the outcome after
 * the clock stops, so a broken workload can never report a flattering number.
 */
export interface PreparedRun {
  run(): Promise<unknown>;
  verify(outcome: unknown): void;
}

export interface Workload {
  id: 'afk' | 'openai-agents' | 'ai-sdk';
  label: string;
  prepare(n: number): PreparedRun;
}

export class WorkloadError extends Error {
  constructor(workload: string, message: string) {
    super(`${workload}: ${message}`);
    this.name = 'WorkloadError';
  }
}
