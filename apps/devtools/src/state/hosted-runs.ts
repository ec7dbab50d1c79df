import { RunHosts } from '@afk/react';
import type { AgentResult, AgentStreamHandle } from 'afk/core';
import { agentForRun } from '../agent-factory';
import { DEVTOOLS_DB, runner, store } from '../runtime';
import { usePlayground } from './playground';
import { useSettings } from './settings';

/**
 * Which tab continues a paused run. The tab that started (or last resumed) a run hosts it — a Web
 * Lock `afk-host:afk-devtools:<runId>` — until the run ends. A decision made in any tab lands on
 * the approval row only (`decideApproval`); the hosting tab hears the change (the store's
 * cross-tab watch), sees that nothing of its run is pending any more and resumes it: the lease
 * owner ingests the decision. A decision for a run nobody hosts (its tab closed) is resumed by
 * the tab that made it.
 */
export const hosts = new RunHosts({ scope: DEVTOOLS_DB });

const inFlight = new Map<string, Promise<AgentResult>>();
const watching = new Map<string, () => void>();

const LIVE = new Set(['running', 'interrupted']);

async function drain(handle: AgentStreamHandle): Promise<void> {
  for await (const _ of handle) {
    // consumed to drive the run; the store has every event
  }
}

/**
 * Continues `runId` in this tab (once: concurrent calls share one resume). Streams into the
 * playground when it is the playground's run. Refuses runs of agents this app does not know.
 */
export function continueHere(runId: string, threadId: string): Promise<AgentResult> {
  const running = inFlight.get(runId);
  if (running) return running;
  const p = (async () => {
    const record = await store.getRun(runId);
    if (record?.status !== 'interrupted' && record?.result) return record.result;
    const agent = agentForRun(useSettings.getState().settings, record?.agentName);
    if (!agent)
      throw new Error(
        `run ${runId} was made by agent '${record?.agentName ?? '?'}', which this page does not define: resume it where it runs`,
      );
    hostRun(runId);
    const handle = runner.resumeStream(agent, { runId, threadId });
    const pg = usePlayground.getState();
    if (pg.runId === runId) await pg.drive(handle, { fresh: false });
    else await drain(handle);
    return handle.result;
  })();
  inFlight.set(runId, p);
  p.then(
    (result) => settle(runId, result.state),
    () => settle(runId, undefined),
  ).finally(() => inFlight.delete(runId));
  return p;
}

function settle(runId: string, state: string | undefined): void {
  if (state === undefined || !LIVE.has(state)) unhost(runId);
}

/** This tab hosts `runId`: it resumes the run when its last pending approval is decided, from any tab. */
export function hostRun(runId: string): void {
  hosts.claim(runId);
  if (watching.has(runId)) return;
  let checking = false;
  let again = false;
  const check = async () => {
    if (checking) {
      again = true;
      return;
    }
    checking = true;
    try {
      do {
        again = false;
        const record = await store.getRun(runId);
        if (!record) return;
        if (!LIVE.has(record.status)) {
          unhost(runId);
          return;
        }
        if (record.status !== 'interrupted' || !record.result?.pending?.approvals.length) continue;
        const pending = await runner.listApprovals({ runId, status: 'pending' });
        if (pending.length === 0 && !inFlight.has(runId))
          void continueHere(runId, record.threadId).catch((e) =>
            console.error('[devtools] resume failed', e),
          );
      } while (again);
    } finally {
      checking = false;
    }
  };
  const off = store.watch('all', (c) => {
    if (c.kind === 'approval' || (c.kind === 'run' && c.runId === runId)) void check();
  });
  watching.set(runId, off);
  void check();
}

/** This tab stops hosting `runId`. */
export function unhost(runId: string): void {
  watching.get(runId)?.();
  watching.delete(runId);
  hosts.release(runId);
}

// A reload keeps the playground's run (sessionStorage): host it again while it is live.
const remembered = usePlayground.getState().runId;
if (remembered) {
  void store.getRun(remembered).then((r) => {
    if (r && LIVE.has(r.status)) hostRun(remembered);
  });
}
