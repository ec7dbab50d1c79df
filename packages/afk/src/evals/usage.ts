import type { UsageAggregate } from '../events/records.js';

/** A zero usage aggregate. */
export function zeroUsage(): UsageAggregate {
  return { inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: 0 };
}

/** Adds `b` into `a` (in place) and returns `a`. */
export function addUsage(a: UsageAggregate, b: UsageAggregate): UsageAggregate {
  a.inputTokens += b.inputTokens;
  a.outputTokens += b.outputTokens;
  a.totalTokens += b.totalTokens;
  a.costUsd += b.costUsd;
  return a;
}
