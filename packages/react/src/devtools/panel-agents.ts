import type { Agent } from 'afk/agents';
import type { AgentResult, ApprovalRequest, Runner } from 'afk/core';
import type { MemoryStore } from 'afk/memory';

/**
 * The agents `<AfkDevtools />` may continue a run with after its last approval was decided in
 * the panel, by the run's `agentName`: a map, or a function. Without them a decision is only
 * recorded and the app resumes the run itself.
 */
export type DevtoolsAgents = Readonly<Record<string, Agent>> | ((agentName: string) => Agent | undefined);

/** The agent for `agentName`, if the host gave one. */
export function agentFor(agents: DevtoolsAgents | undefined, agentName: string): Agent | undefined {
  if (!agents) return undefined;
  if (typeof agents === 'function') return agents(agentName);
  return Object.hasOwn(agents, agentName) ? agents[agentName] : undefined;
}

/**
 * The panel's `resume` for the inbox: continues the approval's root run in this page with the
 * host's agent for it (the runner's lease keeps one writer per run). Refuses a run of an agent
 * the host did not give, with a sentence that says so.
 */
export function panelResume(
  store: MemoryStore,
  runner: Runner,
  agents: DevtoolsAgents,
): (approval: ApprovalRequest) => Promise<AgentResult> {
  const inFlight = new Map<string, Promise<AgentResult>>();
  return (a) => {
    const running = inFlight.get(a.rootRunId);
    if (running) return running;
    const p = (async () => {
      const record = await store.getRun(a.rootRunId);
      if (record?.result && record.status !== 'interrupted') return record.result;
      const agent = agentFor(agents, record?.agentName ?? '');
      if (!agent)
        throw new Error(
          `run ${a.rootRunId} was made by agent '${record?.agentName ?? '?'}', which <AfkDevtools agents> does not include: resume it where it runs`,
        );
      return runner.resume(agent, { runId: a.rootRunId, threadId: a.threadId });
    })().finally(() => inFlight.delete(a.rootRunId));
    inFlight.set(a.rootRunId, p);
    return p;
  };
}
