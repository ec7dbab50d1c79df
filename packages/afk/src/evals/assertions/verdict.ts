import type { JSONValue } from '../../internal/json.js';
import type { AssertionResult } from '../models/assertion.js';

/** An `AssertionResult` (score 1/0 from `passed` unless given). */
export function verdict(
  name: string,
  passed: boolean,
  reason: string,
  score?: number,
  metadata?: Record<string, JSONValue>,
): AssertionResult {
  const s =
    score === undefined ? (passed ? 1 : 0) : Math.min(1, Math.max(0, Number.isFinite(score) ? score : 0));
  const out: AssertionResult = { name, score: s, passed, reason };
  if (metadata) out.metadata = metadata;
  return out;
}

/** A short, one-line preview of a value for reasons. */
export function preview(value: unknown, max = 120): string {
  const s = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
