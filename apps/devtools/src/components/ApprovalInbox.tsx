import { type ApprovalInboxProps, ApprovalInbox as Inbox } from '@afk/react';
import type { ApprovalRequest } from 'afk/core';
import { continueHere, hosts } from '../state/hosted-runs';
import { formatRoute } from '../state/route';

const runHref = (runId: string, spanId?: string) =>
  formatRoute(spanId ? { view: 'run', runId, spanId } : { view: 'run', runId });

const resume = (a: ApprovalRequest) => continueHere(a.rootRunId, a.threadId);

/**
 * The app's approvals inbox: `@afk/react`'s `ApprovalInbox` over the page's store, resuming a run
 * in this tab after its last decision unless another tab hosts it (then that tab continues it).
 */
export function ApprovalInbox(props: Omit<ApprovalInboxProps, 'resume' | 'hosts' | 'runHref'>) {
  return <Inbox resume={resume} hosts={hosts} runHref={runHref} {...props} />;
}
