// The worker side of `runSync`: imports the agent's module, runs it, posts the result and wakes
// the blocked caller through the shared flag.

import type { MessagePort } from 'node:worker_threads';
import { parentPort, workerData } from 'node:worker_threads';
import { toErrorInfo } from '../errors/index.js';
import type { RunnerConfig } from './config.js';
import type { SyncReply } from './run-sync.js';

const data = workerData as {
  moduleUrl: string;
  exportName: string;
  opts: Record<string, unknown>;
  config: RunnerConfig;
  shared: SharedArrayBuffer;
  port: MessagePort;
};

async function main(): Promise<SyncReply> {
  try {
    const [{ Runner }, mod] = await Promise.all([
      import('./runner.js'),
      import(data.moduleUrl) as Promise<Record<string, unknown>>,
    ]);
    const agent = mod[data.exportName];
    if (!agent || (agent as { kind?: unknown }).kind !== 'agent') {
      return {
        ok: false,
        error: {
          name: 'AfkConfigError',
          code: 'invalid_argument',
          message: `${data.moduleUrl} has no Agent export '${data.exportName}'`,
        },
      };
    }
    const runner = new Runner({ config: data.config });
    const result = await runner.run(agent as never, data.opts);
    return { ok: true, result };
  } catch (e) {
    const info = toErrorInfo(e);
    return { ok: false, error: { ...info, name: e instanceof Error ? e.name : 'Error' } };
  }
}

void main().then((reply) => {
  data.port.postMessage(reply);
  const flag = new Int32Array(data.shared);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
  parentPort?.close();
});
