import { expect } from 'vitest';
import { z } from 'zod';
import { Agent } from '../../agents/agent.js';
import type { AgentResult } from '../../events/records.js';
import { parseRunEvent, type RunEvent } from '../../events/run-event.js';
import { scripted } from '../../llms/providers/scripted.js';
import type { LLMRequest } from '../../llms/types.js';
import { DexieStore } from '../../memory/index.js';
import type { MemoryStore, StoreBatch, StoreChange } from '../../memory/types.js';
import { tool } from '../../tools/tool.js';
import { Runner } from '../runner.js';
import { DelegatingStore } from './delegating-store.js';
import { toolContent, toolResults } from './fixtures.js';

export const opened: DexieStore[] = [];
export const databases = new Set<string>();
export const cleanups: Array<() => void> = [];

let dbCounter = 0;
export function dbName(): string {
  const name = `afk-durable-${Date.now().toString(36)}-${++dbCounter}-${Math.random().toString(36).slice(2, 8)}`;
  databases.add(name);
  return name;
}

/** A page's store on database `name` (each call is a new connection, channel and lock owner). */
export function page(name: string): DexieStore {
  const s = new DexieStore({ name });
  opened.push(s);
  return s;
}

/** Closes every page and deletes every database of the test (`afterEach(closePages)`). */
export async function closePages(): Promise<void> {
  for (const c of cleanups.splice(0)) c();
  await Promise.all(opened.splice(0).map((s) => s.close()));
  await Promise.all(
    [...databases].map(
      (name) =>
        new Promise<void>((resolve) => {
          const req = indexedDB.deleteDatabase(name);
          req.onsuccess = () => resolve();
          req.onerror = () => resolve();
          req.onblocked = () => resolve();
        }),
    ),
  );
  databases.clear();
}

/** Counts executions of the side-effecting `send_email` tool (shared by every "tab"). */
export interface Effects {
  sent: string[];
}

export function sendTool(
  effects: Effects,
  opts: { needsApproval?: boolean; body?: (to: string) => Promise<string> } = {},
) {
  return tool({
    name: 'send_email',
    description: 'Send an email',
    args: z.object({ to: z.string() }),
    effects: 'side_effect',
    ...(opts.needsApproval ? { needsApproval: true } : {}),
    run: async ({ to }) => {
      effects.sent.push(to);
      return opts.body ? opts.body(to) : `sent:${to}`;
    },
  });
}

/** Asks for send_email once, then answers with what the tool said (keyed on the conversation). */
export function mailModel() {
  return scripted((req: LLMRequest) =>
    toolResults(req) === 0
      ? { toolCalls: [{ id: 'call_send', name: 'send_email', args: { to: 'bob@example.com' } }] }
      : { text: `done: ${toolContent(req, 'call_send') ?? '(no result)'}` },
  );
}

export const asJson = (r: AgentResult): unknown => JSON.parse(JSON.stringify(r));

/** Every stored event is a valid `RunEvent` and the seqs are 0..n-1. */
export async function expectValidLog(store: MemoryStore, runId: string): Promise<RunEvent[]> {
  const events = await store.readEvents(runId);
  for (const e of events) expect(() => parseRunEvent(e)).not.toThrow();
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
  return events;
}

/** A promise with its resolver, for "wait until the other side got there". */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/**
 * A delegating `MemoryStore` for observation and fault injection: `beforeWrite` may throw to
 * refuse a batch (nothing reaches the inner store), `onWatch` sees every `watch` call.
 */
export class ProbeStore extends DelegatingStore {
  writes = 0;
  constructor(
    inner: MemoryStore,
    private readonly hooks: {
      beforeWrite?: (batch: StoreBatch, nth: number) => void;
      onWatch?: (target: string) => void;
    } = {},
  ) {
    super(inner);
  }
  override async write(batch: StoreBatch): Promise<void> {
    this.writes++;
    this.hooks.beforeWrite?.(batch, this.writes);
    await this.inner.write(batch);
  }
  override watch(target: string | 'all', listener: (change: StoreChange) => void): () => void {
    this.hooks.onWatch?.(target);
    return this.inner.watch(target, listener);
  }
}

/** Runs mailModel + an approval-gated send_email on `store` until it pauses for the approval. */
export async function interruptedMailRun(store: MemoryStore, effects: Effects) {
  const agent = new Agent({
    name: 'mailer',
    model: mailModel(),
    tools: [sendTool(effects, { needsApproval: true })],
  });
  const r = await new Runner({ store, config: { interactionMode: 'external' } }).run(agent, {
    userMessage: 'mail bob',
  });
  expect(r.state).toBe('interrupted');
  expect(r.pending?.approvals).toHaveLength(1);
  expect(effects.sent).toEqual([]);
  return r;
}

/**
 * Two steps: a side-effecting send_email, then a pure `lookup`, then the answer. Keyed on the
 * conversation, so a fresh client continues wherever the log stopped.
 */
export function twoStepAgent(effects: Effects, lookups: { n: number }) {
  const lookup = tool({
    name: 'lookup',
    description: 'Look a key up',
    args: z.object({ key: z.string() }),
    effects: 'pure',
    run: async ({ key }) => {
      lookups.n++;
      return `value-of-${key}`;
    },
  });
  const model = scripted((req: LLMRequest) => {
    const n = toolResults(req);
    if (n === 0)
      return { toolCalls: [{ id: 'call_send', name: 'send_email', args: { to: 'bob@example.com' } }] };
    if (n === 1) return { toolCalls: [{ id: 'call_lookup', name: 'lookup', args: { key: 'k' } }] };
    return { text: `done: ${toolContent(req, 'call_send')} / ${toolContent(req, 'call_lookup')}` };
  });
  return { model, agent: new Agent({ name: 'two-step', model, tools: [sendTool(effects), lookup] }) };
}
