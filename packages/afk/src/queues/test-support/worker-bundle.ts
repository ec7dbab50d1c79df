import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { WorkerProgress } from './worker-process.js';

const here = fileURLToPath(new URL('.', import.meta.url));

/** A fault-test worker script bundled once for plain `node`, and the processes started from it. */
export interface WorkerBundle {
  /** Starts one worker process with `env` added to this process's; its progress goes to `onProgress`. */
  start(
    env: Record<string, string>,
    onProgress: (p: WorkerProgress, child: ChildProcess) => void,
  ): ChildProcess;
  /** SIGKILLs every worker still running and removes the bundle. */
  dispose(): void;
}

/**
 * Bundles `test-support/<fixture>` into one ESM file (dependencies left to node_modules, so the
 * bundle sits inside the repo's node_modules to resolve them): a (re)started worker boots in
 * plain Node in a fraction of the time a TypeScript loader needs, so a kill or an outage lands
 * mid-work, not mid-boot, and SIGKILL hits the worker itself (no wrapper process).
 */
export async function bundleWorker(fixture: string, prefix: string): Promise<WorkerBundle> {
  const dir = mkdtempSync(join(here, '..', '..', '..', '..', '..', 'node_modules', `.afk-${prefix}-`));
  const script = join(dir, 'worker.mjs');
  await build({
    entryPoints: [join(here, fixture)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile: script,
    logLevel: 'error',
  });
  const children = new Set<ChildProcess>();
  return {
    start(env, onProgress) {
      const child = spawn(process.execPath, [script], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        env: { ...process.env, ...env },
      });
      children.add(child);
      child.once('exit', () => children.delete(child));
      child.on('message', (m: WorkerProgress) => onProgress(m, child));
      return child;
    },
    dispose() {
      for (const c of children) c.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves once `child` has exited, SIGKILLing it first when it still runs. */
export function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
