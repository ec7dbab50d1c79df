// Entry of `runSync`'s threads. The caller starts it as the supervisor; the supervisor starts it
// again as the run thread (one file, so the built package and test bundles ship one worker).
import { workerData } from 'node:worker_threads';

const role = (workerData as { role?: string } | null)?.role;
if (role === 'supervisor') void import('./run-sync-supervisor.js').then((m) => m.supervise());
else void import('./run-sync-thread.js').then((m) => m.serveRuns());
