import { type ApprovalInboxProps, ApprovalInbox as Inbox } from '@afk/react';
import type { ApprovalRequest } from 'afk/core';
import { bridgeDecisions } from '../bridge/decide';
import { continueHere, hosts } from '../state/hosted-runs';
import { formatRoute } from '../state/route';

const runHref = (runId: string, spanId?: string) =>
  formatRoute(spanId ? { view: 'run', runId, spanId } : { view: 'run', runId });

const resume = (a: ApprovalRequest) => continueHere(a.rootRunId, a.threadId);

/**
 * The app's approvals inbox: `@afk/react`'s `ApprovalInbox` over the page's store, resuming a run
 * in this tab after its last decision unless another tab hosts it (then that tab continues it).
 * A bridged (Node) run's decision goes to its Node process, which resumes it there.
 */
export function ApprovalInbox(props: Omit<ApprovalInboxProps, 'resume' | 'hosts' | 'remote' | 'runHref'>) {
  return <Inbox resume={resume} hosts={hosts} remote={bridgeDecisions} runHref={runHref} {...props} />;
}
