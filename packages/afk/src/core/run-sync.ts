import { AfkConfigError, AfkError, AfkUnsupportedError } from '../errors/index.js';
import type { AgentResult } from '../events/records.js';
import type { JSONValue } from '../internal/json.js';
import type { Message } from '../llms/types.js';
import type { RunnerConfig } from './config.js';
import type { SyncReply, SyncRequest } from './run-sync-protocol.js';

interface SyncRef {
  module: string | URL;
  export?: string;
}

/** Worker limits for the thread that runs the agent (Node's `ResourceLimits`). */
export interface RunSyncResourceLimits {
  maxOldGenerationSizeMb?: number;
  maxYoungGenerationSizeMb?: number;
  codeRangeSizeMb?: number;
  stackSizeMb?: number;
}

/**
 * Options of `runSync`: those of `run` (without `signal`, which cannot cross threads), plus
 * `timeoutMs` — the bound of the whole call, module loading included. Default: the agent's
 * `failSafe.maxWallTimeMs` (300 000 unless set) plus {@link RUN_SYNC_TIMEOUT_MARGIN_MS}.
 *
 * @example
 * runner.runSync({ module: './agents.js' }, { userMessage: 'hi', timeoutMs: 30_000 })
 */
export interface RunSyncOptions {
  userMessage?: string | Message[];
  threadId?: string;
  context?: Record<string, JSONValue>;
  runId?: string;
  timeoutMs?: number;
  /** Limits of the worker thread (e.g. `{ maxOldGenerationSizeMb: 256 }`); default: Node's. */
  resourceLimits?: RunSyncResourceLimits;
}

/** What `Runner.runSync` hands over: its config and the options that cannot cross threads. */
export interface SyncRunnerView {
  config: RunnerConfig;
  /** A store other than the default `InMemoryStore` was given. */
  customStore: boolean;
  customLlms: boolean;
  /** Names of constructor options that were given and cannot cross threads (store, llms, ...). */
  unsupportedOptions?: readonly string[];
}

/** Added to the agent's `maxWallTimeMs` for the default `timeoutMs`: module loading, thread start. */
export const RUN_SYNC_TIMEOUT_MARGIN_MS = 10_000;
const DEFAULT_WALL_MS = 300_000;

type WorkerThreads = typeof import('node:worker_threads');
type NodeProcess = {
  getBuiltinModule?: (id: string) => unknown;
  cwd(): string;
  versions?: { node?: string };
  env?: Record<string, string | undefined>;
};

/** One warm supervisor thread per runner config (a runner's config object is frozen and unique). */
interface Warm {
  supervisor: import('node:worker_threads').Worker;
  limitsKey: string;
}
const warm = new WeakMap<object, Warm>();
const reaper =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<import('node:worker_threads').Worker>((w) => void w.terminate())
    : undefined;

function nodeOnly(): NodeProcess {
  const proc = (globalThis as { process?: NodeProcess }).process;
  const isBrowserMain = typeof (globalThis as { document?: unknown }).document !== 'undefined';
  if (isBrowserMain || !proc?.versions?.node || typeof proc.getBuiltinModule !== 'function') {
    throw new AfkUnsupportedError(
      'runSync blocks a thread and is only available in Node (>= 20.16). In a browser, use `await runner.run(agent, opts)`.',
    );
  }
  return proc;
}

function validate(ref: SyncRef, opts: RunSyncOptions, runner: SyncRunnerView): void {
  const refused = [...(runner.unsupportedOptions ?? [])];
  if (runner.customStore && !refused.includes('store')) refused.push('store');
  if (runner.customLlms && !refused.includes('llms')) refused.push('llms');
  if (refused.length) {
    throw new AfkConfigError(
      'invalid_config',
      `runSync cannot use the Runner option${refused.length > 1 ? 's' : ''} ${refused.join(', ')}: ` +
        'objects with methods (a custom store, providers, policies, hooks) cannot cross threads. ' +
        'Use `await runner.run(agent, opts)`, or a Runner with only `config` for runSync.',
    );
  }
  if (!ref || (typeof ref.module !== 'string' && !(ref.module instanceof URL))) {
    throw new AfkConfigError(
      'invalid_argument',
      "runSync needs an AgentRef: { module: './agents.js', export?: 'agent' }",
    );
  }
  if ((opts as { signal?: unknown }).signal !== undefined) {
    throw new AfkConfigError(
      'invalid_argument',
      'runSync cannot take a `signal` (it cannot cross threads); bound the call with `timeoutMs`.',
    );
  }
  const t = opts.timeoutMs;
  if (t !== undefined && !(typeof t === 'number' && Number.isFinite(t) && t > 0)) {
    throw new AfkConfigError(
      'invalid_argument',
      `runSync timeoutMs must be a positive number, got ${String(t)}`,
    );
  }
}

/**
 * Blocks the calling thread until an agent run ends, by running it in a worker thread and
 * waiting on a SharedArrayBuffer with `Atomics.wait`. Node only.
 *
 * Threads: this thread → a supervisor thread → the run thread. The supervisor is never blocked,
 * so it sees the run thread die (uncaught error, `process.exit`, out of memory) and wakes this
 * thread with a `worker_died` error at once; it also relays the run thread's stdout/stderr to
 * the process's file descriptors as they are written. Both threads stay warm (unref'd) for the
 * next call on the same runner; a crash or a timeout replaces them.
 */
export function runAgentSync(ref: SyncRef, opts: RunSyncOptions, runner: SyncRunnerView): AgentResult {
  const proc = nodeOnly();
  validate(ref, opts, runner);
  const wt = proc.getBuiltinModule!('node:worker_threads') as WorkerThreads;
  const fs = proc.getBuiltinModule!('node:fs') as typeof import('node:fs');
  const url = proc.getBuiltinModule!('node:url') as typeof import('node:url');
  const path = proc.getBuiltinModule!('node:path') as typeof import('node:path');

  const moduleUrl =
    ref.module instanceof URL
      ? ref.module.href
      : /^[a-z][a-z0-9+.-]+:/i.test(ref.module)
        ? ref.module
        : url.pathToFileURL(path.resolve(proc.cwd(), ref.module)).href;
  if (moduleUrl.startsWith('file:') && !fs.existsSync(url.fileURLToPath(moduleUrl))) {
    throw new AfkError('not_found', `runSync: no such module file: ${url.fileURLToPath(moduleUrl)}`);
  }

  // The built package ships run-sync-worker.js next to this file. AFK_RUN_SYNC_WORKER overrides, for tests.
  const override = proc.env?.AFK_RUN_SYNC_WORKER;
  const workerUrl = override ? new URL(override) : new URL('./run-sync-worker.js', import.meta.url);
  if (!fs.existsSync(url.fileURLToPath(workerUrl))) {
    throw new AfkUnsupportedError(
      `runSync needs the built worker ${workerUrl.href}; run it from the built package (dist).`,
    );
  }

  const limits = opts.resourceLimits ?? {};
  const limitsKey = `${workerUrl.href}|${JSON.stringify(limits)}`;
  let w = warm.get(runner.config);
  if (!w || w.limitsKey !== limitsKey) {
    if (w) void w.supervisor.terminate();
    const supervisor = new wt.Worker(workerUrl, {
      workerData: {
        role: 'supervisor',
        workerUrl: workerUrl.href,
        config: runner.config,
        resourceLimits: limits,
      },
      stdout: false,
      stderr: false,
    });
    supervisor.unref();
    w = { supervisor, limitsKey };
    warm.set(runner.config, w);
    reaper?.register(runner.config, supervisor);
  }

  const { timeoutMs, resourceLimits: _limits, ...runOpts } = opts;
  const shared = new SharedArrayBuffer(8);
  const flag = new Int32Array(shared);
  const { port1, port2 } = new wt.MessageChannel();
  const request: SyncRequest = {
    type: 'run',
    job: { moduleUrl, exportName: ref.export ?? 'agent', opts: JSON.parse(JSON.stringify(runOpts)) },
    shared,
    port: port2,
  };
  w.supervisor.postMessage(request, [port2]);
  const started = Date.now();
  try {
    // flag[0]: 0 while running, 1 when a reply is on the port. flag[1]: the agent's wall-time
    // budget (ms), posted once its module loaded; each post wakes this wait to recompute the bound.
    for (;;) {
      const budget = timeoutMs ?? (flag[1] || DEFAULT_WALL_MS) + RUN_SYNC_TIMEOUT_MARGIN_MS;
      const remaining = started + budget - Date.now();
      if (Atomics.load(flag, 0) !== 0) break;
      if (remaining <= 0) {
        warm.delete(runner.config);
        void w.supervisor.terminate();
        throw new AfkError(
          'timeout',
          `runSync timed out after ${budget} ms (${timeoutMs === undefined ? "the agent's maxWallTimeMs plus a margin" : 'timeoutMs'}); its worker was stopped`,
        );
      }
      Atomics.wait(flag, 0, 0, remaining);
    }
    const msg = wt.receiveMessageOnPort(port1)?.message as SyncReply | undefined;
    if (!msg) throw new AfkError('worker_died', 'runSync: the worker ended without a result');
    if (!msg.ok) {
      const E =
        msg.error.name === 'AfkConfigError'
          ? AfkConfigError
          : msg.error.name === 'AfkUnsupportedError'
            ? undefined
            : AfkError;
      if (!E) throw new AfkUnsupportedError(msg.error.message);
      throw new E(msg.error.code as 'internal', msg.error.message);
    }
    return msg.result;
  } finally {
    port1.close();
  }
}
