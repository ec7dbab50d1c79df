/**
 * A small program run as a child process by `postgres-processes.test.ts`: one step of a
 * durable run against a store shared through PostgreSQL (a server) or a PGlite data directory,
 * using the public Runner API with a scripted model. Prints one JSON line with what happened.
 *
 *   node --import tsx runner-process.ts <mode> [args…]
 *   env: AFK_STORE=pg (AFK_PG_URL, AFK_PG_SCHEMA) | pglite (AFK_DATA_DIR); AFK_COUNT_FILE
 *
 * Modes: approval-start, approval-finish <approvalId> <runId> <threadId>,
 * crash-start <markerFile>, crash-resume <runId> <threadId>.
 */
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { Agent } from '../../../agents/index.js';
import { Runner } from '../../../core/index.js';
import { scripted } from '../../../llms/index.js';
import type { LLMRequest } from '../../../llms/types.js';
import { tool } from '../../../tools/index.js';
import { PostgresStore } from '../index.js';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};

const countFile = env('AFK_COUNT_FILE');
const count = () =>
  existsSync(countFile) ? readFileSync(countFile, 'utf8').split('\n').filter(Boolean).length : 0;

const store =
  env('AFK_STORE') === 'pg'
    ? new PostgresStore({ connectionString: env('AFK_PG_URL'), schema: env('AFK_PG_SCHEMA'), max: 2 })
    : PostgresStore.embedded({ dataDir: env('AFK_DATA_DIR') });

const toolResults = (req: LLMRequest) => req.messages.filter((m) => m.role === 'tool').length;

/** Sends an email after a human approves: the side effect is a line in the count file. */
const sendEmail = tool({
  name: 'send_email',
  description: 'send an email',
  args: z.object({ to: z.string() }),
  effects: 'side_effect',
  needsApproval: true,
  run: async (a: { to: string }) => {
    appendFileSync(countFile, `send_email ${a.to}\n`);
    return `sent:${a.to}`;
  },
});

/** Charges, then stays busy: the parent kills this process while it runs (after the marker). */
const charge = (marker?: string) =>
  tool({
    name: 'charge',
    description: 'charge an amount',
    args: z.object({ amount: z.number() }),
    effects: 'side_effect',
    run: async (a: { amount: number }, ctx) => {
      appendFileSync(countFile, `charge ${a.amount}\n`);
      if (marker) {
        // Written whole, then renamed: the parent sees the file only once its content is complete.
        writeFileSync(`${marker}.tmp`, JSON.stringify({ runId: ctx.runId, threadId: ctx.threadId }));
        renameSync(`${marker}.tmp`, marker);
        await sleep(60_000);
      }
      return `charged:${a.amount}`;
    },
  });

const model = (name: string, args: Record<string, unknown>, done: string) =>
  scripted((req: LLMRequest) =>
    toolResults(req) === 0 ? { toolCalls: [{ id: 'call-1', name, args }] } : { text: done },
  );

const mailAgent = () =>
  new Agent({ name: 'mailer', model: model('send_email', { to: 'a@b.c' }, 'mail sent'), tools: [sendEmail] });
const payAgent = (marker?: string) =>
  new Agent({ name: 'pay', model: model('charge', { amount: 5 }, 'charged'), tools: [charge(marker)] });

const runner = new Runner({ store, config: { interactionMode: 'external', leaseTtlMs: 1_000 } });
const [mode, ...args] = process.argv.slice(2);
let out: Record<string, unknown>;
if (mode === 'approval-start') {
  const r = await runner.run(mailAgent(), { userMessage: 'mail a@b.c' });
  out = { state: r.state, runId: r.runId, threadId: r.threadId, approvals: r.pending?.approvals ?? [] };
} else if (mode === 'approval-finish') {
  const [approvalId, runId, threadId] = args as [string, string, string];
  await runner.decideApproval({ approvalId, decision: { kind: 'approve' } });
  const r = await runner.resume(mailAgent(), { runId, threadId });
  out = { state: r.state, finalText: r.finalText, approval: await store.getApproval(approvalId) };
} else if (mode === 'crash-start') {
  await runner.run(payAgent(args[0]), { userMessage: 'charge 5' });
  out = { state: 'not killed' };
} else if (mode === 'crash-resume') {
  const [runId, threadId] = args as [string, string];
  const paused = await runner.resume(payAgent(), { runId, threadId });
  const asked = paused.pending?.approvals ?? [];
  if (asked[0]) {
    await runner.decideApproval({
      approvalId: asked[0].id,
      decision: { kind: 'respond', value: 'charged:5 (confirmed)' },
    });
  }
  const done = await runner.resume(payAgent(), { runId, threadId });
  out = { paused: paused.state, asked, state: done.state, finalText: done.finalText };
} else {
  throw new Error(`unknown mode ${mode}`);
}
await store.close();
process.stdout.write(`${JSON.stringify({ ...out, count: count() })}\n`);
