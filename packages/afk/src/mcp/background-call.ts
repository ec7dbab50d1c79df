import type { CallToolResult, ServerNotification } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { AgentResult, AgentStreamHandle, Runner } from '../core/index.js';

/**
 * How `MCPServer` serves a tool that defers its work (`ctx.defer`, a background ticket): the MCP
 * call stays open, with a progress notification when the call defers and then every
 * `progressIntervalMs` (clients that pass `resetTimeoutOnProgress` keep waiting), until the
 * ticket settles or `timeoutMs` passes. Then the call answers with the result, or with an
 * `isError` result saying the work is still running.
 *
 * @example
 * new MCPServer({ name: 'reports', version: '1.0.0', tools: [buildReport], runner, background: { timeoutMs: 300_000 } });
 */
export interface MCPBackgroundOptions {
  /**
   * Longest an MCP call waits for a deferred tool, in ms. Default 55_000: under the official
   * client's default 60 s request timeout, so the client gets the clear answer, not a timeout.
   */
  timeoutMs?: number;
  /** Interval of the "still working" progress notifications, in ms. Default 5_000. */
  progressIntervalMs?: number;
}

export const MCPBackgroundOptionsSchema = z
  .object({
    timeoutMs: z.number().int().positive().optional(),
    progressIntervalMs: z.number().int().positive().optional(),
  })
  .strict();

export const DEFAULT_BACKGROUND: Required<MCPBackgroundOptions> = {
  timeoutMs: 55_000,
  progressIntervalMs: 5_000,
};

/** What a tool call needs from the MCP request it serves. */
export interface CallExtra {
  signal: AbortSignal;
  progressToken: string | number | undefined;
  sendNotification: (n: ServerNotification) => Promise<void>;
  /** Who is calling (a fingerprint of the credentials): pending calls are remembered per caller. */
  caller: string;
}

/** Progress notifications of one call (nothing is sent when the client gave no progress token). */
export class CallProgress {
  private n = 0;

  constructor(private readonly extra: CallExtra) {}

  send(message: string): void {
    const token = this.extra.progressToken;
    if (token === undefined) return;
    this.n++;
    void this.extra
      .sendNotification({
        method: 'notifications/progress',
        params: { progressToken: token, progress: this.n, message },
      })
      .catch(() => undefined);
  }

  /** Sends `message(elapsedMs)` every `intervalMs` until the returned function is called. */
  heartbeat(intervalMs: number, message: (elapsedMs: number) => string): () => void {
    if (this.extra.progressToken === undefined) return () => undefined;
    const t0 = Date.now();
    const timer = setInterval(() => this.send(message(Date.now() - t0)), intervalMs);
    return () => clearInterval(timer);
  }
}

export type WorkOutcome =
  | { kind: 'ok'; output: unknown }
  | { kind: 'failed'; error: string }
  | { kind: 'timeout' }
  | { kind: 'aborted' };

/** Awaits the in-process work of a deferred call (no runner), bounded by `timeoutMs` and `signal`. */
export function awaitWork(
  work: Promise<unknown>,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<WorkOutcome> {
  return new Promise<WorkOutcome>((resolve) => {
    const done = (o: WorkOutcome) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(o);
    };
    const onAbort = () => done({ kind: 'aborted' });
    const timer = setTimeout(() => done({ kind: 'timeout' }), timeoutMs);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (output) => done({ kind: 'ok', output }),
      (e: unknown) => done({ kind: 'failed', error: e instanceof Error ? e.message : String(e) }),
    );
  });
}

/** What a deferred call settled to, as the stream of its run reported it. */
export type TicketOutcome = { ok: true; output: unknown } | { ok: false; error: string };

/**
 * Drives one run of a call: progress when the call defers, heartbeats while it works, and, once
 * it deferred, an `interrupt()` at `deadline` (the run pauses, resumable; its tickets go on).
 */
export async function driveCall(
  handle: AgentStreamHandle,
  callId: string,
  toolName: string,
  deadline: number,
  progress: CallProgress,
  intervalMs: number,
): Promise<{ result: AgentResult; outcome: TicketOutcome | undefined }> {
  // Armed once the call defers: an ordinary slow tool is bounded by its own timeout, not this.
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopBeat: () => void = () => undefined;
  let outcome: TicketOutcome | undefined;
  try {
    for await (const ev of handle) {
      if (ev.toolCallId !== callId) continue;
      if (ev.type === 'tool_deferred') {
        timer ??= setTimeout(() => handle.interrupt(), Math.max(0, deadline - Date.now()));
        progress.send(`'${toolName}' is working in the background (ticket ${ev.ticketId ?? ''})`.trim());
        stopBeat();
        stopBeat = progress.heartbeat(
          intervalMs,
          (ms) => `'${toolName}' still working (${Math.round(ms / 1000)} s)`,
        );
      } else if (ev.type === 'tool_background_resolved') outcome = { ok: true, output: ev.toolOutput };
      else if (ev.type === 'tool_background_failed') outcome = { ok: false, error: ev.toolError ?? 'failed' };
    }
    return { result: await handle.result, outcome };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    stopBeat();
  }
}

/**
 * Waits until the run has no pending background ticket (true) or `deadline` passes (false),
 * woken by the store when a ticket row changes; heartbeats meanwhile.
 */
export async function ticketsSettled(
  runner: Runner,
  ids: { runId: string; threadId: string },
  deadline: number,
  signal: AbortSignal,
  progress: CallProgress,
  intervalMs: number,
  toolName: string,
): Promise<boolean> {
  const stopBeat = progress.heartbeat(
    intervalMs,
    (ms) => `'${toolName}' still working (${Math.round(ms / 1000)} s)`,
  );
  let wake: (() => void) | undefined;
  const unwatch = runner.store.watch(ids.runId, (c) => {
    if (c.kind === 'ticket') wake?.();
  });
  try {
    for (;;) {
      const open = await runner.listBackgroundTools(ids);
      if (open.length === 0) return true;
      const left = deadline - Date.now();
      if (left <= 0 || signal.aborted) return false;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          wake = undefined;
          resolve();
        };
        // A bounded poll as well: a store in another process may not report every change.
        const timer = setTimeout(done, Math.min(left, 1000));
        wake = done;
        signal.addEventListener('abort', done, { once: true });
      });
    }
  } finally {
    unwatch();
    stopBeat();
  }
}

/** The answer of a call that is still running in the background when the wait ends. */
export function stillRunning(
  toolName: string,
  waitedMs: number,
  pending?: { runId: string; threadId: string; ticketIds: string[] },
): CallToolResult {
  const again = pending
    ? ` It goes on: call again with the same arguments to wait for its result (run ${pending.runId}, ticket ${pending.ticketIds.join(', ')}).`
    : ' It goes on in this server, but its result will not reach this call (give the MCPServer a runner to pick it up later).';
  return {
    content: [
      {
        type: 'text',
        text: `'${toolName}' is still running in the background after ${waitedMs} ms.${again}`,
      },
    ],
    structuredContent: { status: 'background_pending', toolName, ...(pending ?? {}) },
    isError: true,
  };
}
