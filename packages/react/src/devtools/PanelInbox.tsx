import type { MouseEvent } from 'react';
import { useMemo } from 'react';
import { ApprovalInbox } from '../ApprovalInbox.js';
import { useAfk } from '../context.js';
import { RunHosts } from '../run-hosts.js';
import { type DevtoolsAgents, panelResume } from './panel-agents.js';

/** Links inside the panel never touch the host page's URL: `#afk-run:<runId>[:<spanId>]`, intercepted. */
const LINK_PREFIX = '#afk-run:';
const runHref = (runId: string, spanId?: string) =>
  `${LINK_PREFIX}${encodeURIComponent(runId)}${spanId ? `:${encodeURIComponent(spanId)}` : ''}`;

/**
 * The panel's Approvals tab: `ApprovalInbox` over the panel's store. After the last decision
 * of a run, the run resumes in this page (with the host's `agents`) unless another tab hosts or
 * executes it (Web Locks, as in the devtools app); without `agents` the decision is recorded
 * and the app resumes the run itself. Run links open the run in the Runs tab.
 */
export default function PanelInbox({
  agents,
  onOpenRun,
}: {
  agents: DevtoolsAgents | undefined;
  onOpenRun: (runId: string, spanId?: string) => void;
}) {
  const { store, runner } = useAfk();
  const resume = useMemo(
    () => (runner && agents ? panelResume(store, runner, agents) : undefined),
    [store, runner, agents],
  );
  const hosts = useMemo(() => {
    const scope = (store as { name?: unknown }).name;
    return typeof scope === 'string' ? new RunHosts({ scope }) : undefined;
  }, [store]);

  const onClick = (e: MouseEvent<HTMLDivElement>) => {
    const a = (e.target as Element).closest?.('a');
    const href = a?.getAttribute('href');
    if (!href?.startsWith(LINK_PREFIX)) return;
    e.preventDefault();
    const [runId, spanId] = href.slice(LINK_PREFIX.length).split(':').map(decodeURIComponent);
    if (runId) onOpenRun(runId, spanId);
  };

  if (!runner)
    return (
      <p className="afk-empty" data-testid="afk-devtools-no-runner">
        Deciding approvals needs a runner: pass <code>runner</code> to &lt;AfkDevtools /&gt; or to its
        &lt;AfkProvider&gt;.
      </p>
    );
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions lint/a11y/useKeyWithClickEvents: intercepts the inbox's run links (keyboard activation clicks them too)
    <div className="afk-dt-inbox" onClick={onClick}>
      <ApprovalInbox
        runHref={runHref}
        shortcuts="inbox"
        emptyText="Nothing waits for a decision. Runs that need a human pause here."
        {...(resume ? { resume } : {})}
        {...(hosts ? { hosts } : {})}
      />
    </div>
  );
}
