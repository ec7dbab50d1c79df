// `afk resume <run-id> --store <dir>`: decide the pending approvals, then continue the run.
import type { ApprovalDecision } from '../events/records.js';
import type { JSONValue } from '../internal/json.js';
import { parseCommand, parseContext, RESUME_OPTIONS, type ResumeFlags } from './args.js';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';
import { askApproval } from './prompt.js';
import { type CliIO, loadAgent, resumeCommand, Session } from './session.js';
import { findOrigin, openStore } from './store.js';
import { RESUME_USAGE } from './usage.js';

export async function resumeCommandMain(args: string[], io: CliIO): Promise<ExitCode> {
  const { values, positionals } = parseCommand<ResumeFlags>('resume', args, RESUME_OPTIONS);
  if (values.help) {
    io.stdout.write(RESUME_USAGE);
    return EXIT.ok;
  }
  const [runId, ...extra] = positionals;
  if (!runId) throw new CliError(EXIT.usage, 'afk resume needs a run id: afk resume <run-id> --store <dir>');
  if (extra.length)
    throw new CliError(EXIT.usage, `afk resume takes one run id; unexpected: ${extra.join(' ')}`);
  if (values.store === undefined) {
    throw new CliError(
      EXIT.usage,
      `afk resume needs the store the run is in: afk resume ${runId} --store <dir>`,
    );
  }
  if (values.approve && values.reject)
    throw new CliError(EXIT.usage, '--approve and --reject exclude each other');
  if (values.json && values.quiet) throw new CliError(EXIT.usage, '--json and --quiet exclude each other');
  if (values.reason !== undefined && !values.reject)
    throw new CliError(EXIT.usage, '--reason goes with --reject');
  const context = parseContext(values.context) as Record<string, JSONValue>;

  const storeDir = values.store;
  const store = await openStore(storeDir);
  const session = new Session(io, values);
  try {
    const run = await store.getRun(runId);
    if (!run) throw new CliError(EXIT.runNotFound, `no run ${runId} in the store ${storeDir}`);
    const origin = findOrigin(storeDir, runId);
    const modulePath = values.module ?? origin?.module;
    if (!modulePath) {
      throw new CliError(
        EXIT.usage,
        `run ${runId} was not started by \`afk run\`: name its agent module with --module <path> [--export <name>]`,
      );
    }
    const agent = await loadAgent(modulePath, values.export ?? origin?.export ?? 'agent');
    const runner = session.runner(store);

    const pending = await runner.listApprovals({ runId, status: 'pending' });
    for (const approval of pending) {
      let decision: ApprovalDecision | undefined;
      if (values.approve) decision = { kind: 'approve' };
      else if (values.reject)
        decision = values.reason ? { kind: 'reject', reason: values.reason } : { kind: 'reject' };
      else if (session.interactive)
        decision = await askApproval(approval, session.lines(), io.stderr, session.errStyle);
      if (!decision) {
        io.stderr.write(
          `run ${runId} is waiting for ${pending.length} approval${pending.length === 1 ? '' : 's'}: answer in a terminal, or add --approve or --reject:\n  ${resumeCommand(runId, storeDir)} --approve\n`,
        );
        return EXIT.interrupted;
      }
      await runner.decideApproval({ approvalId: approval.id, decision });
    }
    const handle = runner.resumeStream(agent, { runId, threadId: run.threadId, context });
    const result = await session.drive(handle, true);
    return session.outcome(result, resumeCommand(runId, storeDir));
  } finally {
    session.close();
    await store.close();
  }
}
