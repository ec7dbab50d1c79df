import type { AgentStreamEvent } from 'afk/core';
import { compact } from './format';

/** One short, readable line for a stream event: what happened and its payload in brief. */
export function summariseEvent(ev: AgentStreamEvent): string {
  switch (ev.type) {
    case 'run_started':
      return `run ${ev.runId.slice(0, 14)}`;
    case 'step_started':
      return `step ${ev.step ?? '?'}`;
    case 'text_delta':
    case 'reasoning_delta':
      return JSON.stringify(ev.textDelta ?? '');
    case 'tool_input_delta':
      return `${ev.toolName ?? ''} args…`;
    case 'llm_completed': {
      const d = ev.data as
        | { model?: string; finishReason?: string; usage?: { totalTokens?: number } }
        | undefined;
      const tokens = d?.usage?.totalTokens;
      return `${d?.model ?? ''} · ${d?.finishReason ?? ''}${tokens === undefined ? '' : ` · ${tokens} tokens`}`;
    }
    case 'tool_started':
      return `${ev.toolName ?? '?'} (${ev.toolCallId ?? ''})`;
    case 'tool_completed':
      return `${ev.toolName ?? '?'} → ${ev.toolSuccess ? compact(ev.toolOutput) : `error: ${ev.toolError ?? ''}`}`;
    case 'tool_deferred':
      return `${ev.toolName ?? '?'} deferred: ticket ${ev.ticketId ?? '?'}`;
    case 'tool_background_resolved':
      return `${ev.toolName ?? '?'} ticket settled → ${compact(ev.toolOutput)}`;
    case 'tool_background_failed':
      return `${ev.toolName ?? '?'} ticket failed: ${ev.toolError ?? ''}`;
    case 'approval_requested':
      return `${ev.toolName ?? ev.approval?.toolName ?? '?'} needs approval`;
    case 'approval_resolved': {
      const d = ev.data as { status?: string; by?: string } | undefined;
      return `${d?.status ?? 'decided'}${d?.by ? ` by ${d.by}` : ''}`;
    }
    case 'subagent_started':
      return `${ev.toolName ?? ev.agentPath ?? 'subagent'} started`;
    case 'subagent_completed':
      return `${ev.toolName ?? ev.agentPath ?? 'subagent'} ${ev.toolSuccess === false ? 'failed' : 'done'}`;
    case 'policy_decision': {
      const d = ev.data as { action?: string; ruleId?: string } | undefined;
      return `${d?.action ?? '?'}${d?.ruleId ? ` (rule ${d.ruleId})` : ''}`;
    }
    case 'limit_hit':
    case 'warning':
      return compact(ev.data);
    case 'completed': {
      const r = ev.result;
      const state = r?.state ?? ev.state ?? '?';
      return r?.error ? `state ${state} · ${r.error.code}: ${r.error.message}` : `state ${state}`;
    }
    case 'error':
      return ev.error ?? '';
  }
}
