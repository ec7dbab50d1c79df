// What `afk run` and `afk resume` share: output mode and colours, the terminal prompt, a Runner
// wired to both, driving a stream to its result, and the outcome's message and exit code.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Agent } from '../agents/agent.js';
import { loadAgentModule } from '../core/run-sync-module.js';
import type { AgentStreamHandle } from '../core/runner.js';
import { Runner } from '../core/runner.js';
import type { AgentResult } from '../events/records.js';
import type { MemoryStore } from '../memory/types.js';
import { middleware } from '../tools/tool.js';
import { CliError, EXIT, type ExitCode } from './exit-codes.js';
import { preview, shellQuote } from './format.js';
import { LiveView, type OutputMode } from './live-view.js';
import { LineReader, terminalInteraction } from './prompt.js';
import { colourWanted, makeStyle, type Style } from './style.js';

/** The process's streams and environment (injectable for tests of the pieces). */
export interface CliIO {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  env: Record<string, string | undefined>;
}

export interface SessionFlags {
  json?: boolean | undefined;
  quiet?: boolean | undefined;
  'no-color'?: boolean | undefined;
  interactive?: boolean | undefined;
}

export class Session {
  readonly mode: OutputMode;
  readonly style: Style;
  readonly errStyle: Style;
  readonly interactive: boolean;
  readonly view: LiveView;
  private reader: LineReader | undefined;

  constructor(
    readonly io: CliIO,
    flags: SessionFlags,
  ) {
    this.mode = flags.json ? 'json' : flags.quiet ? 'quiet' : 'live';
    this.style = makeStyle(colourWanted(io.stdout, io.env, flags['no-color'] === true));
    this.errStyle = makeStyle(colourWanted(io.stderr, io.env, flags['no-color'] === true));
    this.interactive = flags.interactive === true || io.stdin.isTTY === true;
    this.view = new LiveView(io.stdout, this.style, this.mode, this.interactive);
  }

  /** Lines from stdin, for answers (opened on first use). */
  lines(): LineReader {
    this.reader ??= new LineReader(
      this.io.stdin,
      false,
      this.io.stdin.isTTY === true ? undefined : this.io.stderr,
    );
    return this.reader;
  }

  /** A Runner over `store` that shows tool calls live and asks approvals here when interactive. */
  runner(store: MemoryStore | undefined): Runner {
    const view = this.view;
    const showArgs = middleware((next, args, ctx) => {
      view.toolArgs(ctx.toolCallId, args, ctx.agentPath);
      return next(args);
    });
    return new Runner({
      ...(store ? { store } : {}),
      middlewares: [showArgs],
      ...(this.interactive
        ? {
            interaction: terminalInteraction(this.lines(), this.io.stderr, this.errStyle, () =>
              view.breakLine(),
            ),
            config: { interactionMode: 'interactive', approvalTimeoutMs: 24 * 3_600_000 },
          }
        : { config: { interactionMode: 'external' } }),
    });
  }

  /** Drives a stream to its result, printing as it goes; Ctrl-C pauses (with a store) or cancels. */
  async drive(handle: AgentStreamHandle, durable: boolean, onStarted?: () => void): Promise<AgentResult> {
    const t0 = Date.now();
    let interrupts = 0;
    const onSigint = () => {
      interrupts += 1;
      if (interrupts > 1) process.exit(130);
      this.view.breakLine();
      this.io.stderr.write(
        this.errStyle.dim(
          durable
            ? 'pausing the run… (Ctrl-C again to quit)\n'
            : 'cancelling the run… (Ctrl-C again to quit)\n',
        ),
      );
      if (durable) handle.interrupt();
      else handle.cancel();
    };
    process.on('SIGINT', onSigint);
    try {
      let started = false;
      for await (const ev of handle) {
        if (!started) {
          // The first event is stored: the store is open (and its directory initialised).
          started = true;
          onStarted?.();
        }
        this.view.event(ev);
      }
      const result = await handle.result;
      this.view.finish(result, Date.now() - t0);
      return result;
    } finally {
      process.off('SIGINT', onSigint);
    }
  }

  /** The outcome on stderr, and its exit code. */
  outcome(result: AgentResult, resumeCommand: string | undefined): ExitCode {
    const s = this.errStyle;
    if (result.state === 'completed') return EXIT.ok;
    if (result.state === 'interrupted') {
      const approvals = result.pending?.approvals ?? [];
      const tickets = result.pending?.tickets ?? [];
      const lines = [
        `${s.yellow('paused')}: run ${result.runId} is waiting for ${describePending(approvals.length, tickets.length)}:`,
      ];
      for (const a of approvals)
        lines.push(`  ? ${a.toolName} ${preview(a.args, 200)}${a.reason ? ` — ${a.reason}` : ''}`);
      for (const t of tickets) lines.push(`  … ${t.toolName} (ticket ${t.ticketId})`);
      if (resumeCommand) {
        lines.push('continue it with:', `  ${resumeCommand}`);
        if (approvals.length)
          lines.push(s.dim('  (in a terminal each approval is asked; or add --approve / --reject)'));
      } else {
        lines.push(
          'this run was kept in memory and cannot be continued: run it in a terminal to answer approvals as they come,',
          'or with --store DIR to decide later with `afk resume`.',
        );
      }
      this.io.stderr.write(`${lines.join('\n')}\n`);
      return EXIT.interrupted;
    }
    const err = result.error ? `: ${result.error.code}: ${result.error.message}` : '';
    this.io.stderr.write(`afk: run ${result.runId} ended ${s.red(result.state)}${err}\n`);
    return EXIT.runFailed;
  }

  close(): void {
    this.reader?.close();
  }
}

function describePending(approvals: number, tickets: number): string {
  const parts = [];
  if (approvals) parts.push(`${approvals} approval${approvals === 1 ? '' : 's'}`);
  if (tickets) parts.push(`${tickets} background result${tickets === 1 ? '' : 's'}`);
  return parts.join(' and ') || 'a decision';
}

/** `afk resume RUN --store DIR` as a person can paste it. */
export function resumeCommand(runId: string, storeDir: string): string {
  return `afk resume ${shellQuote(runId)} --store ${shellQuote(resolve(storeDir))}`;
}

/** Loads the Agent, with the path as the person typed it in "no such file". */
export async function loadAgent(modulePath: string, exportName: string): Promise<Agent> {
  if (!/^[a-z][a-z0-9+.-]+:/i.test(modulePath) && !existsSync(resolve(modulePath))) {
    throw new CliError(EXIT.noSuchFile, `no such file: ${modulePath}`);
  }
  const url = /^[a-z][a-z0-9+.-]+:/i.test(modulePath) ? modulePath : pathToFileURL(resolve(modulePath)).href;
  return loadAgentModule(url, exportName);
}
