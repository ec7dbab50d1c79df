import type { RunEvent } from '../../events/run-event.js';
import type { RunRecord } from '../../memory/types.js';
import { BRIDGE_PROTOCOL_VERSION, type BridgeIngestMessageInput } from '../protocol.js';

/** A valid event of run `runId` at `seq` (a step_started, run_started at seq 0). */
export function event(runId: string, seq: number, extra: Partial<RunEvent> = {}): RunEvent {
  const base = { runId, threadId: 't1', seq, ts: 1_000 + seq };
  if (seq === 0)
    return {
      ...base,
      type: 'run_started',
      data: {
        agentName: 'a',
        agentPath: 'a',
        rootRunId: runId,
        model: 'scripted:scripted',
        history: [],
        input: [{ role: 'user', content: 'hi' }],
        context: {},
      },
      ...extra,
    } as RunEvent;
  return { ...base, step: seq, type: 'step_started', data: { step: seq }, ...extra } as RunEvent;
}

export function events(runId: string, from: number, to: number): RunEvent[] {
  const out: RunEvent[] = [];
  for (let s = from; s <= to; s++) out.push(event(runId, s));
  return out;
}

export function record(runId: string, lastSeq: number, updatedAt = 2_000 + lastSeq): RunRecord {
  return {
    runId,
    threadId: 't1',
    agentName: 'a',
    rootRunId: runId,
    status: 'running',
    startedAt: 1_000,
    updatedAt,
    lastSeq,
  };
}

export function message(
  seq: number,
  batches: BridgeIngestMessageInput['batches'],
  extra: Partial<BridgeIngestMessageInput> = {},
): BridgeIngestMessageInput {
  return { v: BRIDGE_PROTOCOL_VERSION, source: { id: 'node:1:test', label: 'test' }, seq, batches, ...extra };
}
