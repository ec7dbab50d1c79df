import type { AgentStreamEvent } from 'afk/core';

/** One short line for a stream event, as the live list shows it. */
export function describeEvent(ev: AgentStreamEvent): string {
  switch (ev.type) {
    case 'text_delta':
    case 'reasoning_delta':
      return JSON.stringify(ev.textDelta ?? '');
    case 'tool_started':
      return `${ev.toolName ?? '?'} (${ev.toolCallId ?? ''})`;
    case 'tool_completed':
      return `${ev.toolName ?? '?'} → ${ev.toolSuccess ? compact(ev.toolOutput) : `error: ${ev.toolError ?? ''}`}`;
    case 'approval_requested':
      return `${ev.toolName ?? '?'} needs approval`;
    case 'completed':
      return `state ${ev.result?.state ?? ev.state ?? '?'}`;
    case 'error':
      return ev.error ?? '';
    default:
      return ev.step === undefined ? '' : `step ${ev.step}`;
  }
}

export function compact(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? '' : text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
