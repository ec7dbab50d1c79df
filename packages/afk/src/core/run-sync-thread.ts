// `runSync`'s run thread: loads agent modules and runs them on one warm Runner (so runs on one
// thread id share memory across calls, like `runner.run`), one call at a time.
import { parentPort, workerData } from 'node:worker_threads';
import { toErrorInfo } from '../errors/index.js';
import type { RunnerConfig } from './config.js';
import type { RunThreadMessage, SyncJob, SyncReply } from './run-sync-protocol.js';

const post = (m: RunThreadMessage) => parentPort?.postMessage(m);

export function serveRuns(): void {
  const config = (workerData as { config: RunnerConfig }).config;
  const ready = Promise.all([import('./runner.js'), import('./run-sync-module.js')]).then(
    ([{ Runner }, { loadAgentModule }]) => ({ runner: new Runner({ config }), loadAgentModule }),
  );
  parentPort?.on('message', (job: SyncJob) => {
    void (async (): Promise<SyncReply> => {
      try {
        const { runner, loadAgentModule } = await ready;
        const agent = await loadAgentModule(job.moduleUrl, job.exportName);
        post({ type: 'budget', ms: agent.failSafe.maxWallTimeMs });
        return { ok: true, result: await runner.run(agent, job.opts) };
      } catch (e) {
        return { ok: false, error: { ...toErrorInfo(e), name: e instanceof Error ? e.name : 'Error' } };
      }
    })().then((reply) => post({ type: 'reply', reply }));
  });
}
