import type { Agent } from '../agents/agent.js';
import { isAfkError } from '../errors/index.js';
import { type BreakerOutcome, CircuitBreaker } from '../llms/resilience/circuit-breaker.js';

/**
 * The fail-safe circuit breaker (`FailSafeConfig.breaker`) of the step loop: one breaker per
 * (agent name, model id), shared by every run of one runner (keyed on the runner's internals, so
 * two runners never share state). After `failureThreshold` consecutive failed model calls, calls
 * fail fast with `circuit_open` (no request is sent) until `cooldownMs` has passed; then one
 * probe goes through: its success closes the breaker, its failure re-opens it.
 */
const registry = new WeakMap<object, Map<string, CircuitBreaker>>();

/** The breaker of (agent, model id) for the runner identified by `owner`. */
export function modelBreaker(owner: object, agent: Agent, modelId: string): CircuitBreaker {
  let byKey = registry.get(owner);
  if (!byKey) {
    byKey = new Map();
    registry.set(owner, byKey);
  }
  const key = `${agent.name}\u0000${modelId}`;
  let b = byKey.get(key);
  if (!b) {
    b = new CircuitBreaker();
    byKey.set(key, b);
  }
  return b;
}

/**
 * What a failed model call says about the model's health: a retryable failure (5xx, 429, a
 * network error, an error that is not an AFK error) counts; a non-retryable AFK error (a 4xx,
 * a bad request) is neutral.
 */
export function breakerOutcome(e: unknown): BreakerOutcome {
  if (isAfkError(e) && 'retryable' in e)
    return (e as { retryable: boolean }).retryable ? 'failure' : 'neutral';
  return 'failure';
}
