// `runSync`'s supervisor thread: never blocked, it starts the run thread, forwards each call to
// it, relays its stdout/stderr to the process's file descriptors as they come, and — when the run
// thread dies (uncaught error, `process.exit`, out of memory) — wakes the blocked caller with a
// `worker_died` error at once.
import { writeSync } from 'node:fs';
import { parentPort, type ResourceLimits, Worker, workerData } from 'node:worker_threads';
import type { RunThreadMessage, SyncReply, SyncRequest } from './run-sync-protocol.js';

interface SupervisorData {
  workerUrl: string;
  config: unknown;
  resourceLimits: ResourceLimits;
}

function writeAll(fd: number, chunk: Uint8Array | string): void {
  const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off);
    } catch (e) {
      if ((e as { code?: string }).code !== 'EAGAIN') return;
    }
  }
}

function deathMessage(error: unknown, exitCode: number, limits: ResourceLimits): string {
  const e = error as { name?: string; message?: string; code?: string; stack?: string } | undefined;
  if (e?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return `the runSync worker ran out of memory${Object.keys(limits).length ? ` (resourceLimits ${JSON.stringify(limits)})` : ''}`;
  }
  if (e) {
    const at = /\n\s+at (.+)/.exec(e.stack ?? '')?.[1];
    return `the runSync worker died of an uncaught ${e.name ?? 'error'}: ${e.message ?? String(error)}${at ? ` (at ${at})` : ''}`;
  }
  return `the runSync worker exited with code ${exitCode} before the run ended (process.exit in the agent's module or a tool?)`;
}

export function supervise(): void {
  const data = workerData as SupervisorData;
  let thread: Worker | undefined;
  let inflight: SyncRequest | undefined;

  const finish = (req: SyncRequest, reply: SyncReply) => {
    req.port.postMessage(reply);
    req.port.close();
    const flag = new Int32Array(req.shared);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  };

  const spawn = (): Worker => {
    const w = new Worker(new URL(data.workerUrl), {
      workerData: { role: 'run', config: data.config },
      resourceLimits: data.resourceLimits,
      stdout: true,
      stderr: true,
    });
    w.stdout.on('data', (c: Uint8Array) => writeAll(1, c));
    w.stderr.on('data', (c: Uint8Array) => writeAll(2, c));
    let died: unknown;
    w.on('error', (e) => {
      died = e;
    });
    w.on('message', (m: RunThreadMessage) => {
      if (!inflight) return;
      if (m.type === 'budget') {
        const flag = new Int32Array(inflight.shared);
        Atomics.store(flag, 1, m.ms);
        Atomics.notify(flag, 0);
      } else {
        const req = inflight;
        inflight = undefined;
        finish(req, m.reply);
      }
    });
    w.on('exit', (code) => {
      if (thread === w) thread = undefined;
      const message = deathMessage(died, code, data.resourceLimits);
      if (inflight) {
        const req = inflight;
        inflight = undefined;
        finish(req, { ok: false, error: { name: 'AfkError', code: 'worker_died', message } });
      } else if (died !== undefined || code !== 0) {
        writeAll(2, `afk: ${message} (between runSync calls; the next call starts a new one)\n`);
      }
    });
    return w;
  };

  parentPort?.on('message', (req: SyncRequest) => {
    inflight = req;
    thread ??= spawn();
    thread.postMessage(req.job);
  });
}
