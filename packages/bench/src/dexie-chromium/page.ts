/**
 * The in-page half of the Chromium DexieStore benchmark (bundled by esbuild from afk's built dist,
 * served over http by `../dexie-chromium.ts`, driven by Playwright). It installs
 * `globalThis.afkDexieBench`, whose functions run one workload each and return plain JSON.
 */
import { Agent } from 'afk/agents';
import { foldRun, loadRunState, RunEventSchema, Runner } from 'afk/core';
import type { LLMClient, LLMRequest, LLMResponse, Message } from 'afk/llms';
import { DexieStore, InMemoryStore, type MemoryStore, type StoreBatch } from 'afk/memory';
import { tool } from 'afk/tools';
import { z } from 'zod';

export interface StepPlan {
  /** Messages already in the thread before the measured run. */
  threadMessages: number;
  /** Tool round trips in the measured run (it ends with one more, text-only, model call). */
  steps: number;
  store: 'dexie' | 'memory';
  /** How long each model call takes (a timer; 0 answers at once). */
  modelLatencyMs: number;
  /** Also serialise every batch to count the JSON bytes written (slower: not for timing runs). */
  countBytes: boolean;
  /**
   * The no-op tool's declared effects (default `pure`). A `side_effect` call's journal entry and
   * result are written strictly (never overlapped), so this shows what that guarantee costs.
   */
  toolEffects?: 'pure' | 'side_effect';
  /** Ask the browser for its storage usage before and after the measured run. */
  estimate: boolean;
}

export interface StepFigures {
  plan: StepPlan;
  /** ms of each step: from one model call to the next (tool gate, tool, journal, flushes). */
  stepMs: number[];
  /** ms the store spent on the writes each step started (counted up to the step's end). */
  writeMs: number[];
  /** ms of each step the runner adds: step time minus the model call's and the tool's own time. */
  overheadMs: number[];
  /** Writes issued inside the measured steps. */
  writes: number;
  /** Run wall time, history load and final snapshot included. */
  runMs: number;
  /** From `run()` to the first model call: thread history load, run_started (carries the history). */
  startMs: number;
  /** From the last model call to `run()` resolving: run_completed + final snapshot. */
  endMs: number;
  /** JSON bytes of the batches written inside the measured steps (when `countBytes`). */
  stepBytes: number | null;
  /** Events written inside the measured steps. */
  stepEvents: number;
  /** `navigator.storage.estimate()` usage delta across the measured run (when `estimate`). */
  estimateDelta: number | null;
  prefillMs: number;
}

export interface ResumePlan {
  /** Events the interrupted run should hold (approximately; the step count is calibrated). */
  events: number;
  /** Timed resumes (each resume pauses again at a new approval). */
  reps: number;
}

export interface ResumeFigures {
  plan: ResumePlan;
  /** Events in the log when the first timed resume starts. */
  eventsAtFirstResume: number;
  buildMs: number;
  stepsInRun: number;
  /** `runner.resume()` called → first model call, on a fresh DexieStore instance (a reload). */
  resumeToModelMs: number[];
  /** `loadRunState` alone (latest snapshot + tail fold) on a fresh instance. */
  loadStateMs: number[];
  /** The tail folded on top of the snapshot by those loads. */
  tailEvents: number[];
  /** Worst case, no usable snapshot: read and validate every event, then fold them all. */
  fullReadMs: number[];
  /** The same rows through Dexie directly, without the store's per-row validation. */
  fullRawReadMs: number[];
  fullFoldMs: number[];
  /** JSON size of the snapshot resume reads. */
  snapshotBytes: number;
}

const USAGE = { inputTokens: 10, outputTokens: 2, totalTokens: 12 } as const;

/**
 * A scripted client (zero latency unless `latencyMs`). afk's `scripted()` estimates usage by
 * scanning the whole prompt on every call (O(thread)), which would bill the harness's work to the
 * runner; this one answers from a function and reports fixed usage. `stamps` are the call
 * starts, `ends` the moments each answer is handed back (after the latency timer).
 */
function fakeModel(
  answer: (req: LLMRequest, call: number) => Pick<LLMResponse, 'text' | 'toolCalls'>,
  latencyMs = 0,
): LLMClient & {
  stamps: number[];
  ends: number[];
} {
  const stamps: number[] = [];
  const ends: number[] = [];
  let calls = 0;
  const respond = (req: LLMRequest): LLMResponse => {
    const a = answer(req, calls++);
    return {
      ...a,
      finishReason: a.toolCalls.length ? 'tool_calls' : 'stop',
      usage: { ...USAGE },
      model: 'bench-model',
    };
  };
  return {
    provider: 'bench',
    model: 'bench-model',
    capabilities: { streaming: false, toolCalling: true, structuredOutput: false, reasoning: false },
    stamps,
    ends,
    chat: async (req) => {
      stamps.push(performance.now());
      if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
      const r = respond(req);
      ends.push(performance.now());
      return r;
    },
    // biome-ignore lint/correctness/useYield: the runner only streams when asked to; these runs do not
    async *stream() {
      throw new Error('bench model does not stream');
    },
  };
}

const noop = tool({
  name: 'noop',
  description: 'Does nothing',
  args: z.object({}),
  effects: 'pure',
  run: async () => 'ok',
});

/** The no-op tool, timing each of its runs (start and end stamps), for the overhead figure. */
function timedNoop(spans: Array<[number, number]>, effects: 'pure' | 'side_effect' = 'pure') {
  return tool({
    name: 'noop',
    description: 'Does nothing',
    args: z.object({}),
    effects,
    run: async () => {
      const t0 = performance.now();
      const out = 'ok';
      spans.push([t0, performance.now()]);
      return out;
    },
  });
}

const confirm = tool({
  name: 'confirm',
  description: 'Needs a human',
  args: z.object({ n: z.number() }),
  effects: 'pure',
  needsApproval: true,
  run: async ({ n }) => `confirmed ${n}`,
});

const limits = (n: number) => ({
  maxSteps: n + 10,
  maxLlmCalls: n + 10,
  maxToolCalls: n + 10,
  maxWallTimeMs: 3_600_000,
});

/** A thread's worth of ordinary chat turns (~120 characters each), alternating user and assistant. */
function chatHistory(n: number): Message[] {
  const filler =
    'lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore';
  return Array.from(
    { length: n },
    (_, i): Message =>
      i % 2 === 0
        ? { role: 'user', content: `question ${i}: ${filler}` }
        : { role: 'assistant', content: `answer ${i}: ${filler}` },
  );
}

interface WriteLog {
  spans: Array<{ start: number; end: number; bytes: number; events: number }>;
}

/** Delegates to `inner`, timing each `write` (and, when asked, sizing its batch as JSON). */
function instrument(inner: MemoryStore, log: WriteLog, countBytes: boolean): MemoryStore {
  const write = async (batch: StoreBatch): Promise<void> => {
    const bytes = countBytes ? jsonBytes(batch) : 0;
    const start = performance.now();
    await inner.write(batch);
    log.spans.push({ start, end: performance.now(), bytes, events: batch.events?.length ?? 0 });
  };
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'write') return write;
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

const encoder = new TextEncoder();
function jsonBytes(batch: StoreBatch): number {
  const { durability: _ignored, ...rows } = batch;
  return encoder.encode(JSON.stringify(rows)).byteLength;
}

let dbCounter = 0;
function dbName(prefix: string): string {
  return `afk-bench-${prefix}-${Date.now().toString(36)}-${++dbCounter}`;
}

async function deleteDb(name: string): Promise<void> {
  await new Promise<void>((resolve) => {
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = () => resolve();
    req.onerror = () => resolve();
    req.onblocked = () => resolve();
  });
}

async function usage(): Promise<number> {
  const e = await navigator.storage.estimate();
  return e.usage ?? 0;
}

/** One measured run of `plan.steps` tool round trips on a thread prefilled with `threadMessages`. */
async function stepOverhead(plan: StepPlan): Promise<StepFigures> {
  const name = dbName('steps');
  const base: MemoryStore = plan.store === 'dexie' ? new DexieStore({ name }) : new InMemoryStore();
  const threadId = `thread-${name}`;
  try {
    // Prefill: one completed run whose transcript is the thread (its input plus one reply).
    const p0 = performance.now();
    const prior = await new Runner({ store: base }).run(
      new Agent({ name: 'prefill', model: fakeModel(() => ({ text: 'noted', toolCalls: [] })) }),
      { threadId, userMessage: chatHistory(Math.max(1, plan.threadMessages - 1)) },
    );
    if (prior.state !== 'completed') throw new Error(`prefill run ended ${prior.state}`);
    const prefillMs = performance.now() - p0;

    const log: WriteLog = { spans: [] };
    const store = instrument(base, log, plan.countBytes);
    let toolCalls = 0;
    const model = fakeModel((_req, i) => {
      if (i < plan.steps) {
        toolCalls++;
        return { text: '', toolCalls: [{ id: `call_${i}`, name: 'noop', args: {} }] };
      }
      return { text: 'done', toolCalls: [] };
    }, plan.modelLatencyMs);
    const toolSpans: Array<[number, number]> = [];
    const agent = new Agent({
      name: 'bench',
      model,
      tools: [timedNoop(toolSpans, plan.toolEffects)],
      failSafe: limits(plan.steps),
    });
    const runner = new Runner({ store });
    const before = plan.estimate ? await usage() : 0;
    const t0 = performance.now();
    const result = await runner.run(agent, { threadId, userMessage: 'go' });
    const t1 = performance.now();
    if (result.state !== 'completed' || result.finalText !== 'done' || toolCalls !== plan.steps) {
      throw new Error(
        `measured run: state ${result.state}, ${toolCalls} tool calls, text ${result.finalText}`,
      );
    }
    const expectedMessages = plan.threadMessages + 1 + 2 * plan.steps + 1;
    const messageCount = Number(result.stateSnapshot.messageCount ?? Number.NaN);
    if (messageCount !== expectedMessages)
      throw new Error(`expected ${expectedMessages} messages in the run, saw ${messageCount}`);
    const stamps = model.stamps;
    const stepMs: number[] = [];
    const writeMs: number[] = [];
    const overheadMs: number[] = [];
    let stepBytes = 0;
    let stepEvents = 0;
    let writes = 0;
    for (let i = 0; i < plan.steps; i++) {
      const from = stamps[i]!;
      const to = stamps[i + 1]!;
      stepMs.push(to - from);
      const [t0, t1] = toolSpans[i]!;
      overheadMs.push(to - from - (model.ends[i]! - from) - (t1 - t0));
      // A write belongs to the step it starts in (one flushed behind may commit in the next);
      // its time is counted up to the step's end.
      let w = 0;
      for (const s of log.spans) {
        if (s.start >= from && s.start < to) {
          w += Math.min(s.end, to) - s.start;
          stepBytes += s.bytes;
          stepEvents += s.events;
          writes++;
        }
      }
      writeMs.push(w);
    }
    let estimateDelta: number | null = null;
    if (plan.estimate) estimateDelta = (await usage()) - before;
    return {
      plan,
      stepMs,
      writeMs,
      overheadMs,
      writes,
      runMs: t1 - t0,
      startMs: stamps[0]! - t0,
      endMs: t1 - stamps[plan.steps]!,
      stepBytes: plan.countBytes ? stepBytes : null,
      stepEvents,
      estimateDelta,
      prefillMs,
    };
  } finally {
    await base.close();
    if (plan.store === 'dexie') await deleteDb(name);
  }
}

/** Events a run of `steps` noop round trips plus a final answer writes (measured, in memory). */
async function eventsFor(steps: number): Promise<number> {
  const store = new InMemoryStore();
  const model = fakeModel((_req, i) =>
    i < steps
      ? { text: '', toolCalls: [{ id: `c${i}`, name: 'noop', args: {} }] }
      : { text: 'done', toolCalls: [] },
  );
  const r = await new Runner({ store }).run(
    new Agent({ name: 'calibrate', model, tools: [noop], failSafe: limits(steps) }),
    {
      userMessage: 'go',
    },
  );
  return (await store.readEvents(r.runId)).length;
}

/**
 * A run of ~`plan.events` events that ends paused on an approval, then `plan.reps` timed resumes,
 * each on a fresh `DexieStore` instance (as after a reload): decide the approval, resume, stop
 * the clock at the first model call. The model asks for another approval each time, so every
 * resume starts from an interrupted run of the same length (+ ~15 events per resume).
 */
async function resumeLongRun(plan: ResumePlan): Promise<ResumeFigures> {
  const name = dbName('resume');
  // Calibrate steps from the runner's own event count per step.
  const [e10, e30] = [await eventsFor(10), await eventsFor(30)];
  const perStep = (e30 - e10) / 20;
  const fixed = e10 - 10 * perStep;
  const steps = Math.max(1, Math.round((plan.events - fixed) / perStep));
  const threadId = `thread-${name}`;
  let phase: 'build' | 'resume' = 'build';
  let confirms = 0;
  let firstCall: number | undefined;
  const model = fakeModel((_req, i) => {
    if (phase === 'resume') {
      firstCall ??= performance.now();
      return {
        text: '',
        toolCalls: [{ id: `confirm_${++confirms}`, name: 'confirm', args: { n: confirms } }],
      };
    }
    if (i < steps) return { text: '', toolCalls: [{ id: `call_${i}`, name: 'noop', args: {} }] };
    return { text: '', toolCalls: [{ id: `confirm_${++confirms}`, name: 'confirm', args: { n: confirms } }] };
  });
  const agent = new Agent({
    name: 'long',
    model,
    tools: [noop, confirm],
    failSafe: limits(steps + plan.reps + 5),
  });
  const config = { interactionMode: 'external' as const };
  try {
    let store = new DexieStore({ name });
    const b0 = performance.now();
    const built = await new Runner({ store, config }).run(agent, { threadId, userMessage: 'go' });
    const buildMs = performance.now() - b0;
    if (built.state !== 'interrupted') throw new Error(`long run ended ${built.state}, expected interrupted`);
    const runId = built.runId;
    const eventsAtFirstResume = (await store.getRun(runId))!.lastSeq + 1;
    const snap = await store.getSnapshot(runId);
    const snapshotBytes = snap ? encoder.encode(JSON.stringify(snap)).byteLength : 0;
    await store.close();

    phase = 'resume';
    const figures: ResumeFigures = {
      plan,
      eventsAtFirstResume,
      buildMs,
      stepsInRun: steps,
      resumeToModelMs: [],
      loadStateMs: [],
      tailEvents: [],
      fullReadMs: [],
      fullRawReadMs: [],
      fullFoldMs: [],
      snapshotBytes,
    };
    for (let rep = 0; rep < plan.reps; rep++) {
      // A reload: a new connection and a new runner; then the human decides.
      store = new DexieStore({ name });
      const runner = new Runner({ store, config });
      const [pending] = await runner.listApprovals({ runId, status: 'pending' });
      if (!pending) throw new Error('no pending approval to decide');
      await runner.decideApproval({ approvalId: pending.id, decision: { kind: 'approve' } });
      await store.close();

      store = new DexieStore({ name });
      const fresh = new Runner({ store, config });
      firstCall = undefined;
      const t0 = performance.now();
      const r = await fresh.resume(agent, { runId, threadId });
      if (firstCall === undefined || r.state !== 'interrupted')
        throw new Error(`resume ended ${r.state} without calling the model`);
      figures.resumeToModelMs.push(firstCall - t0);
      await store.close();

      store = new DexieStore({ name });
      const l0 = performance.now();
      const state = await loadRunState(store, runId);
      figures.loadStateMs.push(performance.now() - l0);
      const latest = await store.getSnapshot(runId);
      figures.tailEvents.push((state?.lastSeq ?? 0) - (latest?.seq ?? -1));

      const f0 = performance.now();
      const all = await store.readEvents(runId);
      const f1 = performance.now();
      foldRun(all);
      figures.fullReadMs.push(f1 - f0);
      figures.fullFoldMs.push(performance.now() - f1);
      const r0 = performance.now();
      const raw = await store.dexie.events
        .where('[runId+seq]')
        .between([runId, -Infinity], [runId, Infinity])
        .toArray();
      figures.fullRawReadMs.push(performance.now() - r0);
      if (raw.length !== all.length)
        throw new Error(`raw read saw ${raw.length} events, readEvents ${all.length}`);
      await store.close();
    }
    return figures;
  } finally {
    await deleteDb(name);
  }
}

export interface WriteBreakdown {
  /** Batches replayed per variant (the step batches of a real run). */
  batches: number;
  eventsPerBatch: number;
  /** Median ms per batch for each way of writing it. */
  medians: Record<string, number>;
  /**
   * `DexieStore.write` ÷ the raw floor (one transaction, all requests issued together, default
   * durability), measured pairwise: each batch is written both ways back to back, alternating
   * which goes first, over `rounds` replays into fresh databases; the ratio of the two medians.
   */
  storeOverRaw: number;
  rounds: number;
}

type RawDurability = 'default' | 'relaxed' | 'strict';

interface RawOptions {
  durability: RawDurability;
  /** Await each request before issuing the next. */
  sequential: boolean;
  /** Read the run's last key first (a reverse key cursor), as the continuity check does. */
  readFirst: boolean;
  /** `commit()` once every request is issued. */
  commit?: boolean;
  /** `commit()` when the read's result arrives (what `DexieStore.write` does). */
  commitAfterRead?: boolean;
}

/** One way of writing the batches, on a database of its own. */
interface Contender {
  label: string;
  open(): Promise<{ write(b: StoreBatch): Promise<void>; close(): Promise<void> }>;
}

/** The floor `DexieStore.write` is held to (see `WriteBreakdown.storeOverRaw`). */
const FLOOR = 'raw IDB, requests issued together (default)';

/**
 * A database with DexieStore's own schema (same object stores, keys and indexes: the same work
 * per row in the backend), opened with the raw IndexedDB API.
 */
async function openRaw(name: string): Promise<IDBDatabase> {
  const creator = new DexieStore({ name, broadcast: false });
  await creator.open();
  await creator.close();
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/**
 * One batch as one raw readwrite transaction; resolves with its ms (until `complete`).
 * `sequential` awaits each request before issuing the next (as an `await` per table inside a
 * Dexie transaction does); otherwise every request is issued at once and only the commit is
 * awaited. `readFirst` adds the continuity check's read (a reverse key cursor).
 */
async function rawWrite(db: IDBDatabase, b: StoreBatch, opts: RawOptions): Promise<number> {
  const stores = ['events', 'runs', ...(b.snapshot ? ['snapshots'] : []), ...(b.thread ? ['threads'] : [])];
  const t0 = performance.now();
  const tx = db.transaction(stores, 'readwrite', { durability: opts.durability });
  const done = new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error);
  });
  const req = <T>(r: IDBRequest<T>) =>
    new Promise<T>((resolve, reject) => {
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
  const events = tx.objectStore('events');
  const ops: Array<() => IDBRequest> = [];
  const runId = b.events?.[0]?.runId ?? '';
  if (opts.readFirst)
    ops.push(() => {
      const r = events.openKeyCursor(IDBKeyRange.bound([runId, -Infinity], [runId, Infinity]), 'prev');
      if (opts.commitAfterRead && !opts.sequential) r.addEventListener('success', () => tx.commit());
      return r;
    });
  for (const e of b.events ?? []) ops.push(() => events.add(e));
  if (b.run) ops.push(() => tx.objectStore('runs').put(b.run));
  if (b.snapshot) ops.push(() => tx.objectStore('snapshots').put(b.snapshot));
  if (b.thread) ops.push(() => tx.objectStore('threads').put(b.thread));
  if (opts.sequential) for (const op of ops) await req(op());
  else for (const op of ops) op();
  if (opts.commit) tx.commit();
  await done;
  return performance.now() - t0;
}

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function medianOf(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Where a step's write time goes: the step batches of a real run (thread of `threadMessages`)
 * replayed into fresh databases through `DexieStore.write`, through Dexie's own transaction API
 * without AFK's checks, and through raw IndexedDB with each durability hint.
 */
async function writeBreakdown(opts: {
  threadMessages: number;
  steps: number;
  rounds: number;
}): Promise<WriteBreakdown> {
  // Record a real run's batches on an InMemoryStore.
  const captured: StoreBatch[] = [];
  const mem = new InMemoryStore();
  const recorder = new Proxy(mem, {
    get(target, prop, receiver) {
      if (prop === 'write')
        return async (batch: StoreBatch) => {
          captured.push(structuredClone(batch));
          await target.write(batch);
        };
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  const threadId = 'thread-breakdown';
  await new Runner({ store: recorder }).run(
    new Agent({ name: 'prefill', model: fakeModel(() => ({ text: 'noted', toolCalls: [] })) }),
    { threadId, userMessage: chatHistory(Math.max(1, opts.threadMessages - 1)) },
  );
  captured.length = 0;
  const model = fakeModel((_req, i) =>
    i < opts.steps
      ? { text: '', toolCalls: [{ id: `call_${i}`, name: 'noop', args: {} }] }
      : { text: 'done', toolCalls: [] },
  );
  await new Runner({ store: recorder }).run(
    new Agent({ name: 'bench', model, tools: [noop], failSafe: limits(opts.steps) }),
    { threadId, userMessage: 'go' },
  );
  // The first batch carries run_started (with the history), the last one the final snapshot.
  const all = captured;
  const steps = all.slice(1, -1);
  const medians: Record<string, number> = {};
  const timeEach = async (
    label: string,
    fn: (b: StoreBatch, i: number) => Promise<void>,
    batches: StoreBatch[],
  ) => {
    const out: number[] = [];
    for (const [i, b] of batches.entries()) {
      const t0 = performance.now();
      await fn(b, i);
      out.push(performance.now() - t0);
    }
    medians[label] = medianOf(out);
  };

  // Every way of writing the batches, each on a database of its own, timed batch by batch in
  // rotating order (so load drift on a shared machine hits them alike), `rounds` times.
  const raw =
    (o: RawOptions): Contender['open'] =>
    async () => {
      const name = dbName('raw');
      const db = await openRaw(name);
      return {
        write: async (b) => {
          await rawWrite(db, b, o);
        },
        close: async () => {
          db.close();
          await deleteDb(name);
        },
      };
    };
  const dexie =
    (write: (db: DexieStore['dexie'], b: StoreBatch) => Promise<unknown>): Contender['open'] =>
    async () => {
      const name = dbName('breakdown');
      const store = new DexieStore({ name });
      await store.open();
      return {
        write: async (b) => {
          await write(store.dexie, b);
        },
        close: async () => {
          await store.close();
          await deleteDb(name);
        },
      };
    };
  const contenders: Contender[] = [
    {
      label: 'DexieStore.write',
      open: async () => {
        const name = dbName('breakdown');
        const store = new DexieStore({ name });
        return {
          write: (b) => store.write(b),
          close: async () => {
            await store.close();
            await deleteDb(name);
          },
        };
      },
    },
    { label: FLOOR, open: raw({ durability: 'default', sequential: false, readFirst: false }) },
    {
      label: 'raw IDB, reverse key cursor + requests issued together, commit() after the read (default)',
      open: raw({ durability: 'default', sequential: false, readFirst: true, commitAfterRead: true }),
    },
    {
      label: 'raw IDB, reverse key cursor + requests issued together (default)',
      open: raw({ durability: 'default', sequential: false, readFirst: true }),
    },
    {
      label: 'raw IDB, requests issued together + commit() (default)',
      open: raw({ durability: 'default', sequential: false, readFirst: false, commit: true }),
    },
    {
      label: 'raw IDB, read + awaited requests (default)',
      open: raw({ durability: 'default', sequential: true, readFirst: true }),
    },
    {
      label: 'raw IDB, requests issued together (relaxed)',
      open: raw({ durability: 'relaxed', sequential: false, readFirst: false }),
    },
    {
      label: 'raw IDB, requests issued together (strict)',
      open: raw({ durability: 'strict', sequential: false, readFirst: false }),
    },
    {
      label: 'Dexie transaction (await per table, no checks)',
      open: dexie((db, b) =>
        db.transaction('rw', [db.events, db.runs, db.snapshots, db.threads], async () => {
          if (b.events?.length) await db.events.bulkAdd(b.events);
          if (b.run) await db.runs.put(b.run);
          if (b.snapshot) await db.snapshots.put(b.snapshot);
          if (b.thread) await db.threads.put(b.thread);
        }),
      ),
    },
    {
      label: 'Dexie transaction (requests issued together)',
      open: dexie((db, b) =>
        db.transaction('rw', [db.events, db.runs, db.snapshots, db.threads], () =>
          Promise.all([
            b.events?.length ? db.events.bulkAdd(b.events) : undefined,
            b.run ? db.runs.put(b.run) : undefined,
            b.snapshot ? db.snapshots.put(b.snapshot) : undefined,
            b.thread ? db.threads.put(b.thread) : undefined,
          ]),
        ),
      ),
    },
  ];
  const samples = contenders.map((): number[] => []);
  for (let round = 0; round < opts.rounds; round++) {
    const open = [];
    for (const c of contenders) open.push(await c.open());
    for (const o of open) await o.write(all[0]!);
    for (const [i, b] of steps.entries()) {
      for (let k = 0; k < open.length; k++) {
        const at = (i + round + k) % open.length;
        const t0 = performance.now();
        await open[at]!.write(b);
        samples[at]!.push(performance.now() - t0);
        // One task untimed: the store pings other readers in a task of its own after a write
        // (off the writer's path); that must not land in the next contender's timing.
        await nextTask();
      }
    }
    for (const o of open) await o.close();
  }
  for (const [k, c] of contenders.entries()) medians[c.label] = medianOf(samples[k]!);
  await timeEach(
    'validation only (RunEventSchema per event)',
    async (b) => {
      for (const e of b.events ?? []) RunEventSchema.parse(e);
    },
    steps,
  );
  return {
    batches: steps.length,
    eventsPerBatch: steps.reduce((n, b) => n + (b.events?.length ?? 0), 0) / steps.length,
    medians,
    storeOverRaw: medians['DexieStore.write']! / medians[FLOOR]!,
    rounds: opts.rounds,
  };
}

declare global {
  var afkDexieBench:
    | {
        stepOverhead: typeof stepOverhead;
        resumeLongRun: typeof resumeLongRun;
        writeBreakdown: typeof writeBreakdown;
        userAgent: string;
      }
    | undefined;
}

globalThis.afkDexieBench = { stepOverhead, resumeLongRun, writeBreakdown, userAgent: navigator.userAgent };
