// What `afk run` prints while a run goes: streamed text, tool calls with arguments and results,
// approvals, subagents, limits; then one summary line. `--quiet` and `--json` print only the end.

import type { AgentStreamEvent } from '../core/stream.js';
import type { AgentResult } from '../events/records.js';
import { formatCount, formatDuration, formatUsd, preview } from './format.js';
import type { Style } from './style.js';

export type OutputMode = 'live' | 'quiet' | 'json';

export interface Sink {
  write(s: string): unknown;
}

interface ToolLine {
  name?: string | undefined;
  args?: unknown;
  agentPath: string | undefined;
  t0?: number;
  printed: boolean;
}

export class LiveView {
  private atLineStart = true;
  private streamedText = false;
  private readonly calls = new Map<string, ToolLine>();

  constructor(
    private readonly out: Sink,
    private readonly style: Style,
    readonly mode: OutputMode,
    /** Approvals are asked on the terminal (the prompt shows them; no extra line). */
    private readonly asksApprovals = false,
  ) {}

  /** Ends a line of streamed text, before something else writes (a prompt). */
  breakLine(): void {
    if (!this.atLineStart) this.out.write('\n');
    this.atLineStart = true;
  }

  private line(s: string): void {
    if (this.mode !== 'live') return;
    if (!this.atLineStart) this.out.write('\n');
    this.out.write(`${s}\n`);
    this.atLineStart = true;
  }

  /**
   * Called by the CLI's tool middleware when a tool body starts, the one place its arguments are
   * known; the tool's name comes with its `tool_started` event. Whichever comes second prints.
   */
  toolArgs(toolCallId: string, args: unknown, agentPath: string): void {
    const call = this.calls.get(toolCallId) ?? { agentPath, printed: false };
    call.args = args;
    call.t0 = Date.now();
    this.calls.set(toolCallId, call);
    if (call.name !== undefined) this.printCall(call);
  }

  private printCall(call: ToolLine): void {
    if (call.printed) return;
    call.printed = true;
    const args = 'args' in call ? ` ${this.style.dim(preview(call.args, 200))}` : '';
    this.line(
      `${this.prefix(call.agentPath)}${this.style.cyan('▸')} ${this.style.bold(call.name ?? 'tool')}${args}`,
    );
  }

  private prefix(agentPath: string | undefined): string {
    const depth = agentPath ? agentPath.split('>').length - 1 : 0;
    return depth > 0 ? `${'  '.repeat(depth)}${this.style.dim(`[${agentPath}]`)} ` : '';
  }

  event(ev: AgentStreamEvent): void {
    if (this.mode !== 'live') return;
    const s = this.style;
    const p = this.prefix(ev.agentPath);
    switch (ev.type) {
      case 'text_delta':
        if (!ev.textDelta || p) return;
        this.out.write(ev.textDelta);
        this.atLineStart = ev.textDelta.endsWith('\n');
        this.streamedText = true;
        return;
      case 'tool_started': {
        if (!ev.toolCallId) return;
        const call = this.calls.get(ev.toolCallId) ?? { agentPath: ev.agentPath, printed: false };
        call.name = ev.toolName;
        this.calls.set(ev.toolCallId, call);
        if ('args' in call) this.printCall(call);
        return;
      }
      case 'tool_completed': {
        const call = ev.toolCallId ? this.calls.get(ev.toolCallId) : undefined;
        if (ev.toolCallId) this.calls.delete(ev.toolCallId);
        if (call) {
          call.name ??= ev.toolName;
          this.printCall(call);
        } else this.printCall({ name: ev.toolName, agentPath: ev.agentPath, printed: false });
        const took = call?.t0 === undefined ? '' : s.dim(` (${formatDuration(Date.now() - call.t0)})`);
        if (ev.toolSuccess) this.line(`${p}  ${s.green('✓')} ${preview(ev.toolOutput ?? null, 200)}${took}`);
        else this.line(`${p}  ${s.red('✗')} ${preview(ev.toolError ?? 'failed', 200)}${took}`);
        return;
      }
      case 'tool_deferred':
        this.line(`${p}  ${s.yellow('…')} ${ev.toolName} runs in the background (ticket ${ev.ticketId})`);
        return;
      case 'tool_background_resolved':
        this.line(
          `${p}  ${s.green('✓')} ${ev.toolName} (background) → ${preview(ev.toolOutput ?? null, 200)}`,
        );
        return;
      case 'tool_background_failed':
        this.line(
          `${p}  ${s.red('✗')} ${ev.toolName} (background): ${preview(ev.toolError ?? 'failed', 200)}`,
        );
        return;
      case 'approval_requested': {
        const a = ev.approval;
        if (!a || this.asksApprovals) return;
        this.line(
          `${p}${s.yellow('?')} approval needed: ${s.bold(a.toolName)} ${preview(a.args, 200)}${a.reason ? s.dim(` — ${a.reason}`) : ''}`,
        );
        return;
      }
      case 'approval_resolved': {
        const d = ev.data as { status?: string; by?: string } | undefined;
        const ok = d?.status === 'approved' || d?.status === 'edited' || d?.status === 'responded';
        this.line(
          `${p}  ${ok ? s.green('✓') : s.red('✗')} ${d?.status ?? 'decided'}${d?.by ? s.dim(` (by ${d.by})`) : ''}`,
        );
        return;
      }
      case 'subagent_started':
        this.line(`${p}${s.cyan('▸')} subagent ${s.bold(ev.toolName ?? '')}`);
        return;
      case 'subagent_completed':
        this.line(`${p}  ${ev.toolSuccess ? s.green('✓') : s.red('✗')} subagent ${ev.toolName ?? ''}`);
        return;
      case 'limit_hit':
        this.line(`${p}${s.yellow('!')} limit hit: ${preview(ev.data, 200)}`);
        return;
      case 'warning':
        this.line(`${p}${s.yellow('!')} warning: ${preview(ev.data, 200)}`);
        return;
      case 'error':
        this.line(`${p}${s.red('!')} ${ev.error ?? 'error'}`);
        return;
      default:
        return;
    }
  }

  /** The end: the summary line (live), the final text (quiet), or the AgentResult (json). */
  finish(result: AgentResult, wallMs: number): void {
    if (this.mode === 'json') {
      this.out.write(`${JSON.stringify(result, null, 2)}\n`);
      return;
    }
    if (this.mode === 'quiet') {
      if (result.finalText) this.out.write(`${result.finalText}\n`);
      return;
    }
    if (!this.streamedText && result.finalText) this.line(result.finalText);
    const s = this.style;
    const snap = result.stateSnapshot;
    const steps = typeof snap.step === 'number' ? snap.step : 0;
    const ms = typeof snap.elapsedMs === 'number' ? snap.elapsedMs : wallMs;
    const u = result.usage;
    const colour = result.state === 'completed' ? s.green : result.state === 'interrupted' ? s.yellow : s.red;
    this.line(
      s.dim('─ ') +
        [
          colour(result.state),
          `${steps} step${steps === 1 ? '' : 's'}`,
          `${formatCount(u.totalTokens)} tokens (${formatCount(u.inputTokens)} in, ${formatCount(u.outputTokens)} out)`,
          formatUsd(u.costUsd),
          formatDuration(ms),
          s.dim(`run ${result.runId}`),
        ].join(s.dim(' · ')),
    );
  }
}
