import { AfkLLMError } from '../../errors/index.js';

/** Breaker settings: open after `failureThreshold` consecutive failures, probe after `cooldownMs`. */
export interface CircuitBreakerPolicy {
  failureThreshold: number;
  cooldownMs: number;
}

/** Where a breaker stands; `half_open` lets one probe through. */
export type BreakerState = 'closed' | 'open' | 'half_open';
/** How an attempt ended, for the breaker: `neutral` (an abort, a 4xx) says nothing about health. */
export type BreakerOutcome = 'success' | 'failure' | 'neutral';

/**
 * A circuit breaker shared by every client of one (provider, model, baseURL).
 * closed → open after `failureThreshold` consecutive failures; open → half_open once
 * `cooldownMs` has passed, letting exactly ONE probe through (others fail fast with
 * `circuit_open`); the probe's success closes it, its failure re-opens it for another cooldown.
 * Time is read lazily (no timers).
 *
 * @example
 * const permit = breaker.acquire({ failureThreshold: 5, cooldownMs: 30_000 }, 'openai:gpt-4.1-mini');
 * try { await call(); permit('success') } catch { permit('failure') }
 */
export class CircuitBreaker {
  private stateValue: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private probing = false;

  state(policy: CircuitBreakerPolicy, now: number = Date.now()): BreakerState {
    if (this.stateValue === 'open' && now - this.openedAt >= policy.cooldownMs) return 'half_open';
    return this.stateValue;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  /** Lets a call through or throws `circuit_open`; the returned function reports the outcome once. */
  acquire(
    policy: CircuitBreakerPolicy,
    label: string,
    now: number = Date.now(),
  ): (o: BreakerOutcome) => void {
    if (this.stateValue === 'open') {
      const remaining = policy.cooldownMs - (now - this.openedAt);
      if (remaining > 0) throw this.openError(label, remaining);
      this.stateValue = 'half_open';
    }
    if (this.stateValue === 'half_open') {
      if (this.probing) throw this.openError(label, 0);
      this.probing = true;
      return this.once((o) => this.settleProbe(o, policy));
    }
    return this.once((o) => this.settleClosed(o, policy));
  }

  private settleProbe(outcome: BreakerOutcome, _policy: CircuitBreakerPolicy): void {
    this.probing = false;
    if (outcome === 'success') {
      this.stateValue = 'closed';
      this.failures = 0;
    } else if (outcome === 'failure') {
      this.stateValue = 'open';
      this.openedAt = Date.now();
      this.failures++;
    }
  }

  private settleClosed(outcome: BreakerOutcome, policy: CircuitBreakerPolicy): void {
    if (outcome === 'success') this.failures = 0;
    else if (outcome === 'failure') {
      this.failures++;
      if (this.failures >= policy.failureThreshold && this.stateValue === 'closed') {
        this.stateValue = 'open';
        this.openedAt = Date.now();
      }
    }
  }

  private once(fn: (o: BreakerOutcome) => void): (o: BreakerOutcome) => void {
    let done = false;
    return (o) => {
      if (done) return;
      done = true;
      fn(o);
    };
  }

  private openError(label: string, remainingMs: number): AfkLLMError {
    return new AfkLLMError(
      'circuit_open',
      `circuit breaker for ${label} is open (${this.failures} consecutive failures); ` +
        (remainingMs > 0 ? `next probe in ${Math.ceil(remainingMs)} ms` : 'a probe is in flight'),
      { retryable: false, ...(remainingMs > 0 ? { retryAfterMs: Math.ceil(remainingMs) } : {}) },
    );
  }
}
