/**
 * Window hooks for the e2e crash test (test-pages/crash.html). A run calls a side-effecting
 * `charge_card` tool that counts its executions in localStorage; the test closes the page at a
 * chosen point ("hold"), then resumes the run in a fresh page over the same IndexedDB and
 * compares the effect count and the transcript with an uninterrupted run. Opened as
 * `crash.html?db=<name>`, the page also exposes that database's runner and agent to
 * `@afk/playwright` (`window.__afk`), so the test waits for, decides and matches the run.
 */
import { Agent } from 'afk/agents';
import type { AgentResult, ApprovalDecision, ToolExecutionRecord } from 'afk/core';
import { Runner } from 'afk/core';
import { exposeAfk } from 'afk/evals';
import { type LLMRequest, type Message, type ScriptedTurn, scripted } from 'afk/llms';
import { DexieStore } from 'afk/memory';
import { tool } from 'afk/tools';
import { z } from 'zod';

/** Where the run stops for the test to close the page: nowhere, inside the tool, or in the model call after it. */
export type Hold = 'none' | 'in-tool' | 'after-tool';

export interface Transcript {
  runId: string;
  threadId: string;
  state: string;
  finalText: string;
  /** What the model saw on its last call. */
  messages: Message[];
  tools: Array<Pick<ToolExecutionRecord, 'toolName' | 'toolCallId' | 'success' | 'output'>>;
  pendingApprovals: Array<{ id: string; toolName: string }>;
}

export interface CrashHooks {
  /** Starts a run in the background and returns its ids; it stops at `hold`. */
  start(db: string, hold: Hold): Promise<{ runId: string; threadId: string }>;
  /** Runs to the end without interruption. */
  run(db: string): Promise<Transcript>;
  /** Resumes a run in this (fresh) page. */
  resume(db: string, ids: { runId: string; threadId: string }): Promise<Transcript>;
  /** Decides an approval, then resumes. */
  decideAndResume(
    db: string,
    approvalId: string,
    decision: ApprovalDecision,
    ids: { runId: string; threadId: string },
  ): Promise<Transcript>;
  /** How many times the side effect happened (survives the page). */
  effects(db: string): number;
  /** Set once the run reached its hold point (survives the page). */
  held(db: string): boolean;
}

declare global {
  interface Window {
    afkCrash: CrashHooks;
  }
}

const key = (db: string, what: string) => `afk-crash:${db}:${what}`;
const effects = (db: string) => Number(localStorage.getItem(key(db, 'effects')) ?? '0');
const USER_MESSAGE = 'Charge $42 to the card on file.';

function setup(db: string, hold: Hold) {
  const markHeld = () => localStorage.setItem(key(db, 'held'), '1');
  const chargeCard = tool({
    name: 'charge_card',
    description: 'Charge the card on file (a side effect: must happen exactly once)',
    args: z.object({ amountUsd: z.number() }),
    effects: 'side_effect',
    run: async ({ amountUsd }, ctx) => {
      const n = effects(db) + 1;
      localStorage.setItem(key(db, 'effects'), String(n));
      if (hold === 'in-tool') {
        markHeld();
        // The page is closed while the charge is in flight: never returns.
        await new Promise((_, reject) =>
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)),
        );
      }
      return { charged: amountUsd, receipt: 'rcpt-0001' };
    },
  });
  let lastMessages: Message[] = [];
  const turn = (req: LLMRequest): ScriptedTurn => {
    lastMessages = req.messages;
    const result = req.messages.find((m) => m.role === 'tool');
    if (!result) return { toolCalls: [{ id: 'call_charge', name: 'charge_card', args: { amountUsd: 42 } }] };
    if (hold === 'after-tool') {
      // The tool's result is durable before this call: the page is closed while the model "thinks".
      markHeld();
      return { text: 'never seen', delayMs: 600_000 };
    }
    return { text: `Done: ${result.content}`, deltas: ['Done: ', result.content] };
  };
  const agent = new Agent({
    name: 'cashier',
    model: scripted(turn, { model: 'scripted-cashier' }),
    instructions: 'Charge the card once, then confirm.',
    tools: [chargeCard],
  });
  const runner = new Runner({ store: new DexieStore({ name: db }), config: { interactionMode: 'external' } });
  const transcript = (r: AgentResult): Transcript => ({
    runId: r.runId,
    threadId: r.threadId,
    state: r.state,
    finalText: r.finalText,
    messages: lastMessages,
    tools: r.toolExecutions.map(({ toolName, toolCallId, success, output }) => ({
      toolName,
      toolCallId,
      success,
      ...(output === undefined ? {} : { output }),
    })),
    pendingApprovals: (r.pending?.approvals ?? []).map((a) => ({ id: a.id, toolName: a.toolName })),
  });
  return { agent, runner, transcript };
}

window.afkCrash = {
  async start(db, hold) {
    const { agent, runner } = setup(db, hold);
    const ids = { runId: `run-${db}`, threadId: `thread-${db}` };
    // Not awaited: the run goes on in the background until the test closes the page.
    void runner.run(agent, { userMessage: USER_MESSAGE, ...ids });
    return ids;
  },
  async run(db) {
    const { agent, runner, transcript } = setup(db, 'none');
    return transcript(await runner.run(agent, { userMessage: USER_MESSAGE, threadId: `thread-${db}` }));
  },
  async resume(db, ids) {
    const { agent, runner, transcript } = setup(db, 'none');
    return transcript(await runner.resume(agent, ids));
  },
  async decideAndResume(db, approvalId, decision, ids) {
    const { agent, runner, transcript } = setup(db, 'none');
    await runner.decideApproval({ approvalId, decision });
    return transcript(await runner.resume(agent, ids));
  },
  effects,
  held: (db) => localStorage.getItem(key(db, 'held')) === '1',
};

// `?db=<name>`: the afk fixture's handle on that database (the agent as a fresh page resumes it).
const exposed = new URLSearchParams(location.search).get('db');
if (exposed) {
  const { agent, runner } = setup(exposed, 'none');
  exposeAfk({ runner, agents: { [agent.name]: agent } });
}
