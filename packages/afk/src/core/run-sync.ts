import { AfkConfigError, AfkError, AfkUnsupportedError } from '../errors/index.js';
import type { AgentResult } from '../events/records.js';
import type { JSONValue } from '../internal/json.js';
import type { Message } from '../llms/types.js';
import type { RunnerConfig } from './config.js';

interface SyncRef {
  module: string | URL;
  export?: string;
}

interface SyncOptions {
  userMessage?: string | Message[];
  threadId?: string;
  context?: Record<string, JSONValue>;
  runId?: string;
  timeoutMs?: number;
}

type WorkerThreads = typeof import('node:worker_threads');
type NodeProcess = {
  getBuiltinModule?: (id: string) => unknown;
  cwd(): string;
  versions?: { node?: string };
};

/** Message the worker posts back. */
export type SyncReply =
  | { ok: true; result: AgentResult }
  | { ok: false; error: { code: string; message: string; name: string } };

/**
 * Blocks the calling thread until an agent run ends, by running it in a worker thread and
 * waiting on a SharedArrayBuffer with `Atomics.wait`. Node only.
 */
export function runAgentSync(
  ref: SyncRef,
  opts: SyncOptions,
  runner: { config: RunnerConfig; customStore: boolean; customLlms: boolean },
): AgentResult {
  const proc = (globalThis as { process?: NodeProcess }).process;
  const isBrowserMain = typeof (globalThis as { document?: unknown }).document !== 'undefined';
  if (isBrowserMain || !proc?.versions?.node || typeof proc.getBuiltinModule !== 'function') {
    throw new AfkUnsupportedError(
      'runSync blocks a thread and is only available in Node (>= 20.16). In a browser, use `await runner.run(agent, opts)`.',
    );
  }
  if (runner.customStore) {
    throw new AfkConfigError(
      'invalid_config',
      'runSync cannot use a custom store: stores cannot cross threads. Use `await runner.run(...)`, or a Runner without `store`.',
    );
  }
  if (!ref || (typeof ref.module !== 'string' && !(ref.module instanceof URL))) {
    throw new AfkConfigError(
      'invalid_argument',
      "runSync needs an AgentRef: { module: './agents.js', export?: 'agent' }",
    );
  }
  const wt = proc.getBuiltinModule('node:worker_threads') as WorkerThreads;
  const fs = proc.getBuiltinModule('node:fs') as typeof import('node:fs');
  const url = proc.getBuiltinModule('node:url') as typeof import('node:url');
  const path = proc.getBuiltinModule('node:path') as typeof import('node:path');

  const moduleUrl =
    ref.module instanceof URL
      ? ref.module.href
      : /^[a-z]+:/i.test(ref.module)
        ? ref.module
        : url.pathToFileURL(path.resolve(proc.cwd(), ref.module)).href;

  // The built package ships run-sync-worker.js next to this file. (A TypeScript loader such as tsx
  // cannot run inside the worker while this thread is blocked on Node 20: its hooks deadlock, so
  // the agent's module must be plain JavaScript there.) AFK_RUN_SYNC_WORKER overrides, for tests.
  const override = (proc as { env?: Record<string, string | undefined> }).env?.AFK_RUN_SYNC_WORKER;
  const workerUrl = override ? new URL(override) : new URL('./run-sync-worker.js', import.meta.url);
  if (!fs.existsSync(url.fileURLToPath(workerUrl))) {
    throw new AfkUnsupportedError(
      `runSync needs the built worker ${workerUrl.href}; run it from the built package (dist).`,
    );
  }

  const shared = new SharedArrayBuffer(4);
  const flag = new Int32Array(shared);
  const { port1, port2 } = new wt.MessageChannel();
  const worker = new wt.Worker(workerUrl, {
    workerData: {
      moduleUrl,
      exportName: ref.export ?? 'agent',
      opts: JSON.parse(JSON.stringify(opts)),
      config: runner.config,
      shared,
      port: port2,
    },
    transferList: [port2],
    stdout: false,
    stderr: false,
  });
  try {
    const status = Atomics.wait(flag, 0, 0, opts.timeoutMs ?? Number.POSITIVE_INFINITY);
    if (status === 'timed-out') throw new AfkError('timeout', `runSync timed out after ${opts.timeoutMs} ms`);
    const msg = wt.receiveMessageOnPort(port1)?.message as SyncReply | undefined;
    if (!msg) throw new AfkError('internal', 'runSync worker ended without a result');
    if (!msg.ok) {
      const E = msg.error.name === 'AfkConfigError' ? AfkConfigError : AfkError;
      throw new E(msg.error.code as 'internal', msg.error.message);
    }
    return msg.result;
  } finally {
    port1.close();
    void worker.terminate();
  }
}
