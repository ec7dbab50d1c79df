import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Agent } from '../agents/agent.js';
import { PolicyEngine } from '../agents/policy.js';
import { Debugger } from '../debugger/debugger.js';
import type { ApprovalDecision } from '../events/records.js';
import { scripted } from '../llms/providers/scripted.js';
import { nodeStores } from '../memory/test-support/node-stores.js';
import type { MemoryStore } from '../memory/types.js';
import { tool } from '../tools/tool.js';
import { redactDecision } from './decision-secrets.js';
import { Runner } from './runner.js';
import { CrashStore } from './test-support/crash-store.js';
import { toolContent } from './test-support/fixtures.js';

/** What a person types while deciding: it must never be found outside the live process. */
const SECRET = 'hunter2-s3cret';

type Login = { user: string; password?: string | undefined; otp?: string | undefined };

function loginTool(ran: Login[]) {
  return tool({
    name: 'login',
    description: 'log in',
    args: z.object({ user: z.string(), password: z.string().optional(), otp: z.string().optional() }),
    effects: 'side_effect',
    run: async (a) => {
      ran.push(a);
      return `logged in ${a.user}`;
    },
  });
}

function loginModel() {
  return scripted([
    { toolCalls: [{ id: 'call_login', name: 'login', args: { user: 'ann' } }] },
    { text: 'done' },
  ]);
}

const askLogin = new PolicyEngine([
  { id: 'ask', action: 'request_approval', when: { event: 'tool_before_execute', tool: 'login' } },
]);
/** Asks the human for the one-time password, which lands at the args key `password`. */
const askPassword = new PolicyEngine([
  {
    id: 'ask-password',
    action: 'request_user_input',
    when: { event: 'tool_before_execute', tool: 'login' },
    updatedArgs: { password: '' },
  },
]);

/** Asks the human for input merged into the args (no key named). */
const askInput = new PolicyEngine([
  { id: 'ask-input', action: 'request_user_input', when: { event: 'tool_before_execute', tool: 'login' } },
]);

const stores = nodeStores('afk-decision-secrets');

/** Everything the store and the debugger hold of a run, as one text to search for the secret. */
async function everythingStored(store: MemoryStore, runId: string): Promise<string> {
  const parts = await Promise.all([
    store.readEvents(runId),
    store.getSnapshot(runId),
    store.listApprovals({ runId }),
    store.getRun(runId),
    new Debugger({ store }).export(runId),
  ]);
  return JSON.stringify(parts);
}

const decisions: Array<[string, PolicyEngine, (id: string) => ApprovalDecision, Login]> = [
  [
    'an edit with a password',
    askLogin,
    () => ({ kind: 'edit', args: { user: 'ann', password: SECRET } }),
    { user: 'ann', password: SECRET },
  ],
  [
    'the answer to request_user_input landing at `password`',
    askPassword,
    () => ({ kind: 'respond', value: SECRET }),
    { user: 'ann', password: SECRET },
  ],
  [
    'a respond object with a password',
    askInput,
    () => ({ kind: 'respond', value: { otp: '1', password: SECRET } }),
    { user: 'ann', otp: '1', password: SECRET },
  ],
];

describe.each(stores)('values a human enters under redact keys (%s)', (_name, makeStore) => {
  it.each(decisions)(
    'decideApproval with %s: stored, logged and exported redacted; the tool runs with the real value',
    async (_what, policy, decision, expected) => {
      const ran: Login[] = [];
      const store = makeStore();
      const runner = new Runner({ store, policy, config: { interactionMode: 'external' } });
      const agent = new Agent({ name: 'a', model: loginModel(), tools: [loginTool(ran)] });
      const r = await runner.run(agent, { userMessage: 'log in' });
      expect(r.state).toBe('interrupted');
      const approval = r.pending!.approvals[0]!;
      await runner.decideApproval({ approvalId: approval.id, decision: decision(approval.id) });
      const row = await store.getApproval(approval.id);
      expect(JSON.stringify(row)).not.toContain(SECRET);
      expect(JSON.stringify(row?.decision)).toContain('[redacted]');

      const done = await runner.resume(agent, { runId: r.runId, threadId: r.threadId });
      expect(done.state).toBe('completed');
      expect(ran).toEqual([expected]);
      const all = await everythingStored(store, r.runId);
      expect(all).not.toContain(SECRET);
      expect(all).toContain('approval_resolved');
    },
  );

  it('an InteractionProvider edit: the log and the approval row hold it redacted, the tool the real one', async () => {
    const ran: Login[] = [];
    const store = makeStore();
    const runner = new Runner({
      store,
      policy: askLogin,
      config: { interactionMode: 'interactive' },
      interaction: { decide: async () => ({ kind: 'edit', args: { user: 'ann', password: SECRET } }) },
    });
    const agent = new Agent({ name: 'a', model: loginModel(), tools: [loginTool(ran)] });
    const r = await runner.run(agent, { userMessage: 'log in' });
    expect(r.state).toBe('completed');
    expect(ran).toEqual([{ user: 'ann', password: SECRET }]);
    const events = await store.readEvents(r.runId);
    const resolved = events.find((e) => e.type === 'approval_resolved');
    expect(resolved?.type === 'approval_resolved' && resolved.data.decision).toEqual({
      kind: 'edit',
      args: { user: 'ann', password: '[redacted]' },
    });
    expect(await everythingStored(store, r.runId)).not.toContain(SECRET);
  });

  it('a decision without secrets is stored as entered', async () => {
    const ran: Login[] = [];
    const store = makeStore();
    const runner = new Runner({ store, policy: askLogin, config: { interactionMode: 'external' } });
    const agent = new Agent({ name: 'a', model: loginModel(), tools: [loginTool(ran)] });
    const r = await runner.run(agent, { userMessage: 'log in' });
    const approval = r.pending!.approvals[0]!;
    await runner.decideApproval({
      approvalId: approval.id,
      decision: { kind: 'edit', args: { user: 'bob' } },
    });
    expect((await store.getApproval(approval.id))?.decision).toEqual({ kind: 'edit', args: { user: 'bob' } });
    await runner.resume(agent, { runId: r.runId, threadId: r.threadId });
    expect(ran).toEqual([{ user: 'bob' }]);
  });
});

describe('a decision whose secret values were lost', () => {
  it.each(stores)(
    'resumed by another process (%s): the call is answered tool_args_withheld, never run with [redacted]',
    async (_name, makeStore) => {
      const ran: Login[] = [];
      const inner = makeStore();
      // The first process: decides over its own connection to the store, then dies.
      const first = new CrashStore(undefined, inner);
      const runner = new Runner({ store: first, policy: askLogin, config: { interactionMode: 'external' } });
      const model = loginModel();
      const agent = new Agent({ name: 'a', model, tools: [loginTool(ran)] });
      const r = await runner.run(agent, { userMessage: 'log in' });
      const approval = r.pending!.approvals[0]!;
      await runner.decideApproval({
        approvalId: approval.id,
        decision: { kind: 'edit', args: { user: 'ann', password: SECRET } },
      });
      // Another process resumes over the same data: the real values never left the first one.
      const done = await new Runner({ store: inner, policy: askLogin }).resume(agent, {
        runId: r.runId,
        threadId: r.threadId,
      });
      expect(done.state).toBe('completed');
      expect(ran).toEqual([]);
      const events = await inner.readEvents(r.runId);
      const completed = events.find((e) => e.type === 'tool_completed');
      expect(completed?.type === 'tool_completed' && completed.data.errorCode).toBe('tool_args_withheld');
      expect(toolContent(model.requests[1], 'call_login')).toMatch(/held secret values/);
      expect(await everythingStored(inner, r.runId)).not.toContain(SECRET);
    },
  );
});

describe('redactDecision', () => {
  const keys = ['password', 'token'];
  it('redacts edit args and respond values by key, a respond scalar by the key it lands at', () => {
    expect(redactDecision({ kind: 'edit', args: { a: 1, password: 'x' } }, {}, keys)).toEqual({
      kind: 'edit',
      args: { a: 1, password: '[redacted]' },
    });
    expect(redactDecision({ kind: 'respond', value: 'x' }, { responseKey: 'user_password' }, keys)).toEqual({
      kind: 'respond',
      value: '[redacted]',
    });
    expect(redactDecision({ kind: 'respond', value: { token: 't', n: 2 } }, {}, keys)).toEqual({
      kind: 'respond',
      value: { token: '[redacted]', n: 2 },
    });
    const plain: ApprovalDecision = { kind: 'respond', value: 'yes' };
    expect(redactDecision(plain, { responseKey: 'answer' }, keys)).toBe(plain);
    const reject: ApprovalDecision = { kind: 'reject', reason: 'no' };
    expect(redactDecision(reject, {}, keys)).toBe(reject);
  });
});
